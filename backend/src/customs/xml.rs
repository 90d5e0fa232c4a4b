//! A small XML element tree, read and written with quick-xml, and the canonical form that
//! signatures cover.
//!
//! Canonical form (`urn:sim:owh:1.0#c14n`, a simplification of C14N 1.0 sufficient for the
//! messages owf writes): no XML declaration, comments or processing instructions; every element
//! as a start and an end tag (never self-closing); attributes in document order; text and
//! attribute values escaped by quick-xml. Messages are written in exactly this form (after the
//! declaration), so a document and its canonical form differ only by the declaration.
//!
//! Bounded: a document read is at most [`MAX_DOCUMENT_BYTES`] long, [`MAX_DEPTH`] deep and
//! [`MAX_NODES`] nodes big, with at most [`MAX_ATTRIBUTES`] attributes per element, and a tree is dropped and written with an explicit stack, never by
//! recursion — so no input can overflow the stack or take much memory. (The derived `Clone`,
//! `PartialEq` and `Debug` do recurse, as deep as the tree: at most [`MAX_DEPTH`] for a tree
//! read, a handful of levels for one built by owf.)

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

/// Longest document read. A real OWH message is a few KiB (every field of a warehouse at its
/// length limit, 20 proof documents: under 100 KiB); the largest are 订仓单 (CEB303), about
/// 500 bytes a line and up to 10,000 lines (`owf_shared::booking::MAX_LINES`).
pub const MAX_DOCUMENT_BYTES: usize = 8 << 20;
/// Deepest nesting of elements read. Real OWH messages nest fewer than 10 levels.
pub const MAX_DEPTH: usize = 64;
/// Most nodes (elements, attributes and texts) in a document read. A filing message has a few
/// hundred; a 订仓单 line 25 (12 elements and their texts), so 10,000 lines about 250,000.
pub const MAX_NODES: usize = 300_000;
/// Most attributes of one element read (each is checked against the others, so many would be
/// slow). Real OWH messages have at most 3.
pub const MAX_ATTRIBUTES: usize = 16;

/// A malformed document, one beyond the limits, or one without an expected element.
#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    #[error("XML 格式错误：{0}")]
    Syntax(#[from] quick_xml::Error),
    #[error("XML 属性错误：{0}")]
    Attribute(#[from] quick_xml::events::attributes::AttrError),
    #[error("XML 报文超过 {} KiB 上限", MAX_DOCUMENT_BYTES / 1024)]
    TooLarge,
    #[error("XML 元素嵌套超过 {MAX_DEPTH} 层")]
    TooDeep,
    #[error("XML 节点（元素、属性和文本）超过 {MAX_NODES} 个")]
    TooManyNodes,
    #[error("XML 元素 {0} 的属性超过 {MAX_ATTRIBUTES} 个")]
    TooManyAttributes(String),
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

    /// Reads a document (its one root element), within the limits of the module documentation.
    pub fn parse(xml: &str) -> Result<Element, XmlError> {
        if xml.len() > MAX_DOCUMENT_BYTES {
            return Err(XmlError::TooLarge);
        }
        let mut reader = Reader::from_str(xml);
        let mut tree = TreeBuilder::default();
        loop {
            match reader.read_event()? {
                Event::Start(start) => {
                    let element = tree.element(&start)?;
                    tree.open.push(element);
                }
                Event::Empty(start) => {
                    let element = tree.element(&start)?;
                    tree.close(element)?;
                }
                Event::End(_) => {
                    let element = tree.open.pop().ok_or(XmlError::Root)?;
                    tree.close(element)?;
                }
                Event::Text(text) => tree.text(text.unescape()?.into_owned())?,
                Event::CData(data) => tree.text(String::from_utf8_lossy(&data).into_owned())?,
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
        tree.finish()
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

    /// Writes the element with an explicit stack of steps (no recursion).
    fn write(&self, writer: &mut Writer<Vec<u8>>) {
        enum Step<'a> {
            Open(&'a Element),
            Text(&'a str),
            Close(&'a str),
        }
        let mut steps = vec![Step::Open(self)];
        while let Some(step) = steps.pop() {
            let event = match step {
                Step::Open(element) => {
                    steps.push(Step::Close(&element.name));
                    steps.extend(element.children.iter().rev().map(|child| match child {
                        Node::Element(e) => Step::Open(e),
                        Node::Text(t) => Step::Text(t),
                    }));
                    let mut start = BytesStart::new(element.name.as_str());
                    for (name, value) in &element.attrs {
                        start.push_attribute((name.as_str(), value.as_str()));
                    }
                    Event::Start(start)
                }
                Step::Text(text) => Event::Text(BytesText::new(text)),
                Step::Close(name) => Event::End(BytesEnd::new(name)),
            };
            writer.write_event(event).expect("writing to memory");
        }
    }
}

/// Drops the descendants one by one from a flat list, so a deep tree cannot overflow the stack
/// the way the default recursive drop would.
impl Drop for Element {
    fn drop(&mut self) {
        let mut pending = std::mem::take(&mut self.children);
        while let Some(node) = pending.pop() {
            if let Node::Element(mut element) = node {
                pending.append(&mut element.children);
            }
        }
    }
}

/// The state of [`Element::parse`]: the open elements, the root once closed, and the nodes
/// counted so far.
#[derive(Default)]
struct TreeBuilder {
    open: Vec<Element>,
    root: Option<Element>,
    nodes: usize,
}

impl TreeBuilder {
    fn count(&mut self) -> Result<(), XmlError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(XmlError::TooManyNodes);
        }
        Ok(())
    }

    /// The element of a start tag, one level below the open elements.
    fn element(&mut self, start: &BytesStart<'_>) -> Result<Element, XmlError> {
        if self.open.len() >= MAX_DEPTH {
            return Err(XmlError::TooDeep);
        }
        self.count()?;
        let mut element = Element::new(String::from_utf8_lossy(start.name().as_ref()));
        for (n, attr) in start.attributes().enumerate() {
            if n == MAX_ATTRIBUTES {
                return Err(XmlError::TooManyAttributes(element.name.clone()));
            }
            self.count()?;
            let attr = attr?;
            element.attrs.push((
                String::from_utf8_lossy(attr.key.as_ref()).into_owned(),
                attr.unescape_value()?.into_owned(),
            ));
        }
        Ok(element)
    }

    /// Adds a complete element to its parent, or makes it the root.
    fn close(&mut self, element: Element) -> Result<(), XmlError> {
        match self.open.last_mut() {
            Some(parent) => parent.children.push(Node::Element(element)),
            None if self.root.is_none() => self.root = Some(element),
            None => return Err(XmlError::Root),
        }
        Ok(())
    }

    /// Adds text to the open element; outside the root only white space is allowed.
    fn text(&mut self, text: String) -> Result<(), XmlError> {
        self.count()?;
        match self.open.last_mut() {
            Some(parent) => parent.children.push(Node::Text(text)),
            None if text.trim().is_empty() => {}
            None => return Err(XmlError::Root),
        }
        Ok(())
    }

    /// The root, once every element is closed.
    fn finish(self) -> Result<Element, XmlError> {
        if !self.open.is_empty() {
            return Err(XmlError::Root);
        }
        self.root.ok_or(XmlError::Root)
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

    fn nested(depth: usize) -> String {
        format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth))
    }

    #[test]
    fn documents_beyond_the_limits_are_refused() {
        assert!(Element::parse(&nested(MAX_DEPTH)).is_ok());
        let deep = Element::parse(&nested(100_000)).unwrap_err();
        assert!(matches!(deep, XmlError::TooDeep));
        assert_eq!(deep.to_string(), "XML 元素嵌套超过 64 层");
        let self_closing = format!("{}<b/>{}", "<a>".repeat(64), "</a>".repeat(64));
        assert!(matches!(
            Element::parse(&self_closing),
            Err(XmlError::TooDeep)
        ));
        let large = format!("<a>{}</a>", "x".repeat(MAX_DOCUMENT_BYTES));
        assert_eq!(
            Element::parse(&large).unwrap_err().to_string(),
            "XML 报文超过 8192 KiB 上限"
        );
        let wide = format!("<a>{}</a>", "<b/>".repeat(MAX_NODES));
        assert!(matches!(Element::parse(&wide), Err(XmlError::TooManyNodes)));
        let attributes: String = (0..100_000).map(|n| format!(" x{n}=''")).collect();
        assert_eq!(
            Element::parse(&format!("<a{attributes}/>"))
                .unwrap_err()
                .to_string(),
            "XML 元素 a 的属性超过 16 个"
        );
    }

    #[test]
    fn deep_trees_are_written_and_dropped_without_recursion() {
        let mut deep = Element::new("a");
        for _ in 0..100_000 {
            deep = Element::new("a").child(deep);
        }
        let canonical = deep.canonical();
        assert_eq!(canonical.len(), 7 * 100_001);
        assert!(canonical.starts_with(b"<a><a>") && canonical.ends_with(b"</a></a>"));
        drop(deep);
    }
}
