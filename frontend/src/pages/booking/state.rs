//! The 订仓单 being entered: its header, its lines — each line with signals of its own, so that
//! typing in one line redraws and re-checks that line only, however many there are — and what
//! the shared validation (`owf_shared::booking`) says about them.

use std::sync::Arc;

use leptos::prelude::*;
use owf_shared::booking::{
    check_line, validate_booking, BookingForm, BookingLine, HeaderField, LineCheck, LineField,
    MAX_LINES,
};
use owf_shared::codes::CodeTables;
use owf_shared::decimal::{self, Decimal};
use owf_shared::validate::{FieldErrors, Level};

use crate::components::editor::messages::Messages;

/// One line (`OrderList`) of the form; its 序号 is its position.
#[derive(Clone, Copy)]
pub struct LineRow {
    /// Identifies the line in the table while lines are added and removed.
    pub key: u64,
    pub line: RwSignal<BookingLine>,
    /// The fields typed in or left, one bit per [`LineField::ALL`] position: their declare-level
    /// messages are shown.
    pub touched: RwSignal<u16>,
    /// The line checked at 申报 level, with its 总价.
    pub declare: Memo<LineCheck>,
    /// The line checked at 暂存 level, worked out only when shown.
    draft: Memo<LineCheck>,
}

impl LineRow {
    fn bit(field: LineField) -> u16 {
        let position = LineField::ALL.iter().position(|f| *f == field).unwrap_or(0);
        1 << position
    }

    /// 总价 = 数量 × 单价, 2 places, once both are valid.
    pub fn total(self) -> Option<Decimal> {
        self.declare.with(|c| c.total)
    }
}

/// The form of one 订仓单 and its messages.
#[derive(Clone, Copy)]
pub struct OrderForm {
    /// The header; its `lines` stay empty, the lines are in [`OrderForm::lines`].
    pub header: RwSignal<BookingForm>,
    pub lines: RwSignal<Vec<LineRow>>,
    /// Whether the form was edited since it was loaded or stored.
    pub changed: RwSignal<bool>,
    /// Counts the edits, so that what keeps the form can wait for a pause in typing.
    pub revision: RwSignal<u64>,
    /// The header's messages, and the server's for every field.
    pub messages: Messages,
    /// 商品总价: the sum of the lines' 总价, once every line has one.
    pub goods_value: Memo<Option<Decimal>>,
    pub tables: StoredValue<Arc<CodeTables>>,
    next_key: StoredValue<u64>,
    /// The owner of the lines' signals: the form's, wherever a line is added.
    owner: StoredValue<Owner>,
}

impl OrderForm {
    pub fn new(form: &BookingForm, tables: Arc<CodeTables>) -> Self {
        let header = RwSignal::new(BookingForm::default());
        let checked = {
            let tables = tables.clone();
            move |level| {
                let mut errors = header.with(|h| validate_booking(h, level, &tables));
                // The lines are checked line by line, and their number in `lines_error`.
                errors.remove(HeaderField::Lines.key());
                errors
            }
        };
        let draft = Memo::new({
            let checked = checked.clone();
            move |_| checked(Level::Draft)
        });
        let declare = Memo::new(move |_| checked(Level::Declare));
        let lines = RwSignal::new(Vec::<LineRow>::new());
        let order = Self {
            header,
            lines,
            changed: RwSignal::new(false),
            revision: RwSignal::new(0),
            messages: Messages::new(draft, declare),
            goods_value: Memo::new(move |_| {
                lines.with(|rows| rows.iter().map(|row| row.total()).sum())
            }),
            tables: StoredValue::new(tables),
            next_key: StoredValue::new(0),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
        };
        order.load(form);
        order
    }

    /// Shows `form` as it is stored: header and lines replaced, nothing edited.
    pub fn load(self, form: &BookingForm) {
        self.header.set(BookingForm {
            lines: Vec::new(),
            ..form.clone()
        });
        let rows = form.lines.iter().cloned().map(|l| self.row(l)).collect();
        self.lines.set(rows);
        self.changed.set(false);
    }

    fn row(self, line: BookingLine) -> LineRow {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        let tables = self.tables.get_value();
        self.owner.get_value().with(|| {
            let line = RwSignal::new(line);
            let check = move |level| {
                let tables = tables.clone();
                Memo::new(move |_| line.with(|l| check_line(l, level, &tables)))
            };
            LineRow {
                key,
                line,
                touched: RwSignal::new(0),
                declare: check(Level::Declare),
                draft: check(Level::Draft),
            }
        })
    }

    /// Adds `lines` after the present ones, or in their place when `replace`.
    pub fn add_lines(self, lines: Vec<BookingLine>, replace: bool) {
        let rows: Vec<LineRow> = lines.into_iter().map(|l| self.row(l)).collect();
        self.lines.update(|present| {
            if replace {
                *present = rows;
            } else {
                present.extend(rows);
            }
        });
        self.renumbered();
    }

    /// Removes the line `key`; the lines after it move up one 序号.
    pub fn remove_line(self, key: u64) {
        self.lines.update(|rows| rows.retain(|row| row.key != key));
        self.renumbered();
    }

    /// A change of the header's `key` (a picker also reports the value it kept when left: the
    /// field is visited, the form unchanged).
    pub fn edit_header(self, key: &str, edit: impl FnOnce(&mut BookingForm)) {
        let mut header = self.header.get_untracked();
        edit(&mut header);
        if self.header.with_untracked(|h| *h != header) {
            self.header.set(header);
            self.edited();
        }
        self.messages.touch(key);
    }

    /// A change of `field` of the line `row`, whose 序号 is `gnum`.
    pub fn edit_line(self, row: LineRow, gnum: usize, field: LineField, value: String) {
        row.line.update(|line| *line.value_mut(field) = value);
        self.leave_line(row, gnum, field);
        self.edited();
    }

    /// `field` of line `row` (序号 `gnum`) was typed in or left: its messages are shown.
    pub fn leave_line(self, row: LineRow, gnum: usize, field: LineField) {
        let bit = LineRow::bit(field);
        if row.touched.get_untracked() & bit == 0 {
            row.touched.update(|t| *t |= bit);
        }
        self.messages.touch(&field.key_at(gnum));
    }

    fn edited(self) {
        self.changed.set(true);
        self.revision.update(|n| *n += 1);
    }

    /// After lines were added or removed: 序号 moved, so the server's messages about lines no
    /// longer name the right ones.
    fn renumbered(self) {
        self.edited();
        self.messages.forget_server_under("lines.");
    }

    /// The message shown now at `field` of line `row`, whose 序号 is `gnum`: the server's, else
    /// the shared check's once the field was visited or a 暂存 / 申报 was tried.
    pub fn line_error(self, row: LineRow, gnum: usize, field: LineField) -> Option<String> {
        if let Some(message) = self.messages.server_error(&field.key_at(gnum)) {
            return Some(message);
        }
        let revealed = self.messages.revealed_level();
        let touched = row.touched.get() & LineRow::bit(field) != 0;
        let check = match revealed {
            Some(Level::Declare) => row.declare,
            _ if touched => row.declare,
            Some(Level::Draft) => row.draft,
            None => return None,
        };
        check.with(|c| {
            c.errors
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, message)| message.clone())
        })
    }

    /// The message about the lines as a whole: none at 申报, more than [`MAX_LINES`], or a
    /// 商品总价 past N16,2.
    pub fn lines_error(self) -> Option<String> {
        let count = self.lines.with(Vec::len);
        let server = self
            .messages
            .server_error(HeaderField::Lines.key())
            .or_else(|| self.messages.server_error(HeaderField::GoodsValue.key()));
        if server.is_some() {
            return server;
        }
        if count > MAX_LINES {
            return Some(format!(
                "一个订仓单最多 {MAX_LINES} 行商品（当前 {count} 行），请分成多个订仓单"
            ));
        }
        if count == 0 && self.messages.revealed_level() == Some(Level::Declare) {
            return Some("请至少填写 1 行商品".into());
        }
        let total = self.goods_value.get()?;
        (!total.fits(decimal::AMOUNT)).then(|| {
            format!(
                "商品总价 {} 超过上限 99999999999999.99，请分成多个订仓单",
                total.with_places(2)
            )
        })
    }

    /// Before 暂存 or 申报: whether the whole form passes validation of `level`; if not, every
    /// message of that level is shown.
    pub fn ready(self, level: Level) -> bool {
        let header = self.messages.ready(level);
        let lines = self.lines.with_untracked(|rows| {
            let checks_pass = rows.iter().all(|row| {
                let check = match level {
                    Level::Draft => row.draft,
                    Level::Declare => row.declare,
                };
                check.with_untracked(|c| c.errors.is_empty())
            });
            let counted = rows.len() <= MAX_LINES && (level == Level::Draft || !rows.is_empty());
            checks_pass && counted
        });
        let total = self
            .goods_value
            .get_untracked()
            .is_none_or(|total| total.fits(decimal::AMOUNT));
        if !(lines && total) {
            self.messages.reveal_all(level);
        }
        header && lines && total
    }

    /// The form as it stands, to send.
    pub fn form(self) -> BookingForm {
        let lines = self
            .lines
            .with_untracked(|rows| rows.iter().map(|row| row.line.get_untracked()).collect());
        BookingForm {
            lines,
            ..self.header.get_untracked()
        }
    }

    /// The server's refusal (422) of the form: its messages at their fields and lines.
    pub fn refused(self, fields: FieldErrors) {
        self.messages.refused(fields);
    }
}
