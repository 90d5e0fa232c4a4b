//! A small XML element tree, read and written with quick-xml, and the canonical form that
//! signatures cover.
//!
//! Canonical form (`urn:sim:owh:1.0#c14n`, a simplification of C14N 1.0 sufficient for the
//! messages owf writes): no XML declaration, comments or processing instructions; every element
//! as a start and an end tag (never self-closing); attributes in document order; text and
//! attribute values escaped by quick-xml. Messages are written in exactly this form (after the
//! declaration), so a document and its canonical form differ only by the declaration.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

/// A malformed document or one without an expected element.
#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    #[error("XML 格式错误：{0}")]
    Syntax(#[from] quick_xml::Error),
    #[error("XML 属性错误：{0}")]
    Attribute(#[from] quick_xml::events::attributes::AttrError),
    #[error("XML 没有根元素或有多个根元素")]
    Root,
    #[error("{parent} 缺少元素 {name}")]
    Missing { parent: String, name: String },
}

/// One element: qualified name, attributes in document order, children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

impl Element {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Adds an attribute.
    pub fn attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attrs.push((name.into(), value.into()));
        self
    }

    /// Adds a child element.
    pub fn child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Adds child elements.
    pub fn children(mut self, children: impl IntoIterator<Item = Element>) -> Self {
        self.children
            .extend(children.into_iter().map(Node::Element));
        self
    }

    /// An element holding only `text`.
    pub fn with_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            attrs: Vec::new(),
            children: vec![Node::Text(text.into())],
        }
    }

    /// Adds a child element holding only `text`.
    pub fn leaf(self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.child(Self::with_text(name, text))
    }

    /// The name without its namespace prefix.
    pub fn local_name(&self) -> &str {
        local(&self.name)
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// Child elements with the local name `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.local_name() == name)
    }

    /// The first child element with the local name `name`.
    pub fn find(&self, name: &str) -> Result<&Element, XmlError> {
        let found = self.elements().find(|e| e.local_name() == name);
        found.ok_or_else(|| XmlError::Missing {
            parent: self.local_name().to_owned(),
            name: name.to_owned(),
        })
    }

    /// The text of the element.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|node| match node {
                Node::Text(t) => Some(t.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }

    /// The text of the child element `name`.
    pub fn text_of(&self, name: &str) -> Result<String, XmlError> {
        self.find(name).map(Element::text)
    }

    /// A copy without the direct children of local name `name` (the enveloped-signature
    /// transform removes `Signature` this way).
    pub fn without(&self, name: &str) -> Element {
        Element {
            name: self.name.clone(),
            attrs: self.attrs.clone(),
            children: self
                .children
                .iter()
                .filter(|node| !matches!(node, Node::Element(e) if e.local_name() == name))
                .cloned()
                .collect(),
        }
    }

    /// Reads a document (its one root element).
    pub fn parse(xml: &str) -> Result<Element, XmlError> {
        let mut reader = Reader::from_str(xml);
        let mut stack: Vec<Element> = Vec::new();
        let mut root = None;
        loop {
            match reader.read_event()? {
                Event::Start(start) => stack.push(Self::from_start(&start)?),
                Event::Empty(start) => {
                    let element = Self::from_start(&start)?;
                    Self::close(&mut stack, &mut root, element)?;
                }
                Event::End(_) => {
                    let element = stack.pop().ok_or(XmlError::Root)?;
                    Self::close(&mut stack, &mut root, element)?;
                }
                Event::Text(text) => {
                    let text = text.unescape()?.into_owned();
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Text(text)),
                        None if text.trim().is_empty() => {}
                        None => return Err(XmlError::Root),
                    }
                }
                Event::CData(data) => {
                    let text = String::from_utf8_lossy(&data).into_owned();
                    stack
                        .last_mut()
                        .ok_or(XmlError::Root)?
                        .children
                        .push(Node::Text(text));
                }
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
        if !stack.is_empty() {
            return Err(XmlError::Root);
        }
        root.ok_or(XmlError::Root)
    }

    fn from_start(start: &BytesStart<'_>) -> Result<Element, XmlError> {
        let mut element = Element::new(String::from_utf8_lossy(start.name().as_ref()));
        for attr in start.attributes() {
            let attr = attr?;
            element.attrs.push((
                String::from_utf8_lossy(attr.key.as_ref()).into_owned(),
                attr.unescape_value()?.into_owned(),
            ));
        }
        Ok(element)
    }

    fn close(
        stack: &mut [Element],
        root: &mut Option<Element>,
        element: Element,
    ) -> Result<(), XmlError> {
        match stack.last_mut() {
            Some(parent) => parent.children.push(Node::Element(element)),
            None if root.is_none() => *root = Some(element),
            None => return Err(XmlError::Root),
        }
        Ok(())
    }

    /// The canonical form (see the module documentation).
    pub fn canonical(&self) -> Vec<u8> {
        let mut writer = Writer::new(Vec::new());
        self.write(&mut writer);
        writer.into_inner()
    }

    /// The document: an XML declaration, then the canonical form.
    pub fn to_document(&self) -> String {
        let mut writer = Writer::new(Vec::new());
        writer
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .expect("writing to memory");
        self.write(&mut writer);
        String::from_utf8(writer.into_inner()).expect("UTF-8 in, UTF-8 out")
    }

    fn write(&self, writer: &mut Writer<Vec<u8>>) {
        let mut start = BytesStart::new(self.name.as_str());
        for (name, value) in &self.attrs {
            start.push_attribute((name.as_str(), value.as_str()));
        }
        writer
            .write_event(Event::Start(start))
            .expect("writing to memory");
        for child in &self.children {
            match child {
                Node::Element(e) => e.write(writer),
                Node::Text(t) => writer
                    .write_event(Event::Text(BytesText::new(t)))
                    .expect("writing to memory"),
            }
        }
        writer
            .write_event(Event::End(BytesEnd::new(self.name.as_str())))
            .expect("writing to memory");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip_and_escape() {
        let doc = Element::new("owh:Root")
            .attr("xmlns:owh", "urn:sim:owh:1.0")
            .attr("guid", "A&B\"")
            .leaf("owh:name", "<仓库> & \"Co\"")
            .child(Element::new("owh:empty"));
        let xml = doc.to_document();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><owh:Root"));
        assert!(xml.contains("&lt;仓库&gt; &amp;"));
        assert!(xml.contains("<owh:empty></owh:empty>"));
        let back = Element::parse(&xml).unwrap();
        assert_eq!(back, doc);
        assert_eq!(back.text_of("name").unwrap(), "<仓库> & \"Co\"");
        assert_eq!(back.attribute("guid"), Some("A&B\""));
        assert_eq!(back.canonical(), doc.canonical());
    }

    #[test]
    fn self_closing_and_declaration_do_not_change_the_canonical_form() {
        let a = Element::parse("<?xml version=\"1.0\"?><a x=\"1\"><b/><!-- c --></a>").unwrap();
        let b = Element::parse("<a x='1'><b></b></a>").unwrap();
        assert_eq!(a.canonical(), b.canonical());
        assert_eq!(a.canonical(), b"<a x=\"1\"><b></b></a>");
    }

    #[test]
    fn malformed_documents_are_errors() {
        for bad in ["", "<a>", "<a></b>", "<a/><b/>", "text", "<a x=1/>"] {
            assert!(Element::parse(bad).is_err(), "{bad}");
        }
        let doc = Element::parse("<a><b>1</b></a>").unwrap();
        assert_eq!(doc.text_of("c").unwrap_err().to_string(), "a 缺少元素 c");
        assert_eq!(doc.without("b").canonical(), b"<a></a>");
    }
}
