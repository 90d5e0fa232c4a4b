//! Delimited text (CSV, RFC 4180): records of fields, each with the line it starts on.
//!
//! A field holding the delimiter, a quote or a line break is quoted, and `""` inside quotes is
//! one quote. Records end at LF or CRLF outside quotes; a line break inside quotes belongs to
//! the field. Blank lines are records of one empty field, so callers see the lines a
//! spreadsheet shows.

/// The records of `text`, each with the 1-based line it starts on.
pub fn records(text: &str, delimiter: char) -> Records<'_> {
    Records {
        chars: text.chars().peekable(),
        delimiter,
        line: 1,
        max_fields: usize::MAX,
    }
}

/// The iterator of [`records`].
pub struct Records<'t> {
    chars: std::iter::Peekable<std::str::Chars<'t>>,
    delimiter: char,
    line: usize,
    max_fields: usize,
}

impl Records<'_> {
    /// Keeps only the first `max` fields of each record, so a line of a million delimiters does
    /// not become a million strings.
    pub fn max_fields(self, max: usize) -> Self {
        Self {
            max_fields: max.max(1),
            ..self
        }
    }
}

impl Iterator for Records<'_> {
    /// The line the record starts on, and its fields.
    type Item = (usize, Vec<String>);

    fn next(&mut self) -> Option<Self::Item> {
        self.chars.peek()?;
        let start = self.line;
        let mut fields = vec![String::new()];
        let mut quoted = false;
        let mut dropped = false;
        while let Some(c) = self.chars.next() {
            let text = match c {
                '"' if quoted && self.chars.peek() == Some(&'"') => {
                    self.chars.next();
                    '"'
                }
                '"' => {
                    quoted = !quoted;
                    continue;
                }
                '\r' if !quoted && self.chars.peek() == Some(&'\n') => continue,
                '\n' if !quoted => {
                    self.line += 1;
                    return Some((start, fields));
                }
                '\n' => {
                    self.line += 1;
                    c
                }
                c if c == self.delimiter && !quoted => {
                    dropped |= fields.len() == self.max_fields;
                    if !dropped {
                        fields.push(String::new());
                    }
                    continue;
                }
                c => c,
            };
            if !dropped {
                fields.last_mut().expect("at least one field").push(text);
            }
        }
        Some((start, fields))
    }
}

/// `field` as a CSV field: quoted when it holds a comma, a quote or a line break.
pub fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_may_hold_delimiters_quotes_and_line_breaks() {
        let text = "a,\"b, \"\"c\"\"\"\r\n\r\n\"multi\nline\",d\nlast";
        let read: Vec<_> = records(text, ',').collect();
        assert_eq!(
            read,
            [
                (1, vec!["a".to_owned(), "b, \"c\"".to_owned()]),
                (2, vec![String::new()]),
                (3, vec!["multi\nline".to_owned(), "d".to_owned()]),
                (5, vec!["last".to_owned()]),
            ]
        );
        let tabs: Vec<_> = records("x\ty\n", '\t').collect();
        let first_two: Vec<_> = records("a,b,\"c\nd\"\"\",e\nf", ',')
            .max_fields(2)
            .collect();
        assert_eq!(
            first_two,
            [
                (1, vec!["a".to_owned(), "b".to_owned()]),
                (3, vec!["f".to_owned()])
            ]
        );
        assert_eq!(tabs, [(1, vec!["x".to_owned(), "y".to_owned()])]);
        assert_eq!(csv_field("a, \"b\""), "\"a, \"\"b\"\"\"");
    }
}
