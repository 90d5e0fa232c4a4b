use super::*;
use crate::booking::template::template_csv;
use crate::fixtures::xlsx;

fn tables() -> std::sync::Arc<CodeTables> {
    CodeTables::embedded()
}

fn import(bytes: &[u8], name: &str) -> Result<Import, ImportError> {
    import_lines(bytes, name, &tables())
}

fn messages(import: &Import) -> Vec<String> {
    import.errors.iter().map(ToString::to_string).collect()
}

const CSV: &str = "序号,企业商品货号,商品名称,商品描述,条形码,计量单位,数量,单价,总价,备注\r\n\
    1,SKU-0001,蓝牙耳机,\"无线, 白色\",6901234567892,个,100,25.5,2550.00,\r\n\
    \r\n\
    2,SKU-0002,手机壳,,,011,3,0.125,,易碎\r\n";

/// The two lines of [`CSV`], as read.
fn expected_lines() -> Vec<ImportedLine> {
    let first = BookingLine {
        item_no: "SKU-0001".into(),
        item_name: "蓝牙耳机".into(),
        item_describe: "无线, 白色".into(),
        bar_code: "6901234567892".into(),
        unit: "007".into(),
        qty: "100".into(),
        price: "25.5".into(),
        total_price: "2550.00".into(),
        note: String::new(),
    };
    let second = BookingLine {
        item_no: "SKU-0002".into(),
        item_name: "手机壳".into(),
        unit: "011".into(),
        qty: "3".into(),
        price: "0.125".into(),
        note: "易碎".into(),
        ..BookingLine::default()
    };
    vec![
        ImportedLine {
            row: 2,
            line: first,
        },
        ImportedLine {
            row: 4,
            line: second,
        },
    ]
}

#[test]
fn utf8_csv_with_or_without_byte_order_mark() {
    let plain = import(CSV.as_bytes(), "lines.csv").unwrap();
    assert_eq!(plain.lines, expected_lines());
    assert_eq!(messages(&plain), Vec::<String>::new());
    let with_bom = [b"\xEF\xBB\xBF", CSV.as_bytes()].concat();
    assert_eq!(import(&with_bom, "LINES.CSV").unwrap(), plain);
}

#[test]
fn gb18030_csv_as_excel_in_china_saves_it() {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(CSV);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let read = import(&bytes, "订仓单商品.csv").unwrap();
    assert_eq!(read.lines, expected_lines());
    assert!(read.errors.is_empty());
}

#[test]
fn pasted_tab_separated_text() {
    let pasted = "企业商品货号\t商品名称\t计量单位\t数量\t单价\nA1\t袜子\t双\t12\t3.5\n";
    let read = import(pasted.as_bytes(), "粘贴.txt").unwrap();
    assert_eq!(read.lines[0].line.unit, "025");
    assert_eq!(read.lines[0].line.qty, "12");
    assert!(read.errors.is_empty());
}

#[test]
fn row_problems_name_row_and_column() {
    let csv = "企业商品货号,商品名称,计量单位,数量,单价,总价,序号\n\
        A1,袜子,7,0,3.5,,1\n\
        A2,帽子,筐子,2,abc,,3\n\
        A3,,件,1.123456,1,,3\n\
        A4,围巾,件,3,0.125,0.37,4\n";
    let read = import(csv.as_bytes(), "lines.csv").unwrap();
    assert_eq!(read.lines.len(), 4);
    assert_eq!(read.lines[0].line.unit, "007", "leading zeros restored");
    assert_eq!(
        messages(&read),
        [
            "第 2 行「数量」：数量必须大于 0",
            "第 3 行「序号」：序号应为 2（当前为 3）：序号须从 1 起按行连续编号；也可删去序号列，由系统按行编号",
            "第 3 行「计量单位」：“筐子”不是计量单位代码表中的单位：请填写单位代码（如 007）或名称（如 个）",
            "第 3 行「单价」：单价应为数字，例如 12 或 3.5",
            "第 4 行「商品名称」：请填写商品名称",
            "第 4 行「数量」：数量最多 5 位小数（当前 6 位）",
            "第 5 行「总价」：总价应等于 数量 × 单价 = 0.38（当前为 0.37），也可不填由系统计算",
        ]
    );
}

#[test]
fn missing_and_repeated_columns_refuse_the_file() {
    let csv = "\n商品名称,企业商品货号,计量单位, 备注\n袜子,A1,个,\n";
    assert_eq!(
        import(csv.as_bytes(), "lines.csv").unwrap_err().to_string(),
        "缺少必需的列：数量、单价。第一行（第 2 行）应为列名，可下载模板对照"
    );
    let csv = "企业商品货号,商品名称,计量单位,数量,单价,数量\nA1,袜子,个,1,1,2\n";
    assert_eq!(
        import(csv.as_bytes(), "lines.csv").unwrap_err(),
        ImportError::DuplicateColumn {
            row: 1,
            name: "数量"
        }
    );
    assert_eq!(
        import(
            "企业商品货号,商品名称,计量单位,数量,单价\n".as_bytes(),
            "a.csv"
        ),
        Err(ImportError::NoLines)
    );
    assert_eq!(import(b"\r\n\r\n", "a.csv"), Err(ImportError::Empty));
}

#[test]
fn ten_thousand_lines_are_read_and_one_more_is_refused() {
    let mut csv = String::from("企业商品货号,商品名称,计量单位,数量,单价\n");
    for n in 1..=MAX_LINES {
        csv.push_str(&format!("SKU-{n},袜子,双,1,0.1\n"));
    }
    let read = import(csv.as_bytes(), "lines.csv").unwrap();
    assert_eq!(read.lines.len(), 10_000);
    assert_eq!(read.lines[9_999].row, 10_001);
    assert!(read.errors.is_empty());
    let lines: Vec<_> = read.lines.into_iter().map(|l| l.line).collect();
    assert_eq!(
        crate::booking::goods_value(&lines).unwrap().to_string(),
        "1000"
    );
    csv.push_str("SKU-10001,袜子,双,1,0.1\n");
    let refused = import(csv.as_bytes(), "lines.csv").unwrap_err();
    assert_eq!(
        refused.to_string(),
        "文件超过 10000 行商品，一个订仓单最多 10000 行：请分成多个订仓单导入"
    );
}

#[test]
fn what_is_not_a_text_file_is_refused_whole() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
    for bytes in [&png[..], b"abc\x80\xff", b"\x81\x30\xff"] {
        assert_eq!(
            import(bytes, "lines.csv"),
            Err(ImportError::NotText),
            "{bytes:?}"
        );
    }
    assert_eq!(
        ImportError::NotText.to_string(),
        "文件不是 UTF-8 或 GB18030 编码的文本，无法读取：请在 Excel 中“另存为” CSV UTF-8（逗号分隔）或 .xlsx 后再导入"
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("企业商品货号".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(import(&utf16, "lines.csv"), Err(ImportError::Utf16));
    assert_eq!(
        import(b"a", "lines.pdf").unwrap_err().to_string(),
        "只能导入 CSV（.csv）或 Excel（.xlsx）文件，“lines.pdf”不是"
    );
    let large = vec![b'a'; MAX_FILE_BYTES + 1];
    assert_eq!(
        import(&large, "lines.csv").unwrap_err().to_string(),
        "文件大小为 10240 KB，超过 10 MB 的上限：请分成几个文件导入"
    );
}

#[test]
fn the_template_imports_as_one_valid_line() {
    let template = template_csv();
    assert!(template.starts_with(
        "\u{feff}序号,企业商品货号,商品名称,商品描述,条形码,计量单位,数量,单价,总价,备注\r\n"
    ));
    let read = import(template.as_bytes(), "订仓单商品模板.csv").unwrap();
    assert_eq!(read.lines.len(), 1);
    assert_eq!(read.lines[0].line.unit, "007");
    assert_eq!(read.lines[0].line.item_describe, "无线蓝牙耳机，白色");
    assert!(read.errors.is_empty(), "{:?}", read.errors);
}

const HEADER: &[&str] = &[
    "序号",
    "企业商品货号",
    "商品名称",
    "计量单位",
    "数量",
    "单价",
    "总价",
    "条形码",
];

#[test]
fn xlsx_cells_are_read_as_typed() {
    let file = xlsx(&[
        HEADER,
        &[
            "1",
            "SKU-0001",
            "蓝牙耳机",
            "个",
            "100",
            "25.5",
            "2550",
            "6901234567892",
        ],
        &[],
        &["2", "SKU-0002", "手机壳", "11", "3", "0.125", "", ""],
    ]);
    let read = import(&file, "商品.xlsx").unwrap();
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let [first, second] = &read.lines[..] else {
        panic!("{:?}", read.lines)
    };
    assert_eq!((first.row, second.row), (2, 4));
    assert_eq!(first.line.unit, "007");
    assert_eq!(first.line.bar_code, "6901234567892");
    assert_eq!(first.line.price, "25.5");
    assert_eq!(second.line.unit, "011");
    assert_eq!(second.line.price, "0.125");
}

#[test]
fn xlsx_formula_cells_are_refused_with_the_cell_named() {
    let file = xlsx(&[
        HEADER,
        &[
            "1",
            "SKU-0001",
            "蓝牙耳机",
            "个",
            "100",
            "25.5",
            "=E2*F2|2550",
            "",
        ],
    ]);
    let read = import(&file, "商品.xlsx").unwrap();
    assert_eq!(
        messages(&read),
        ["第 2 行「总价」：单元格 G2 是公式（=E2*F2）：请复制该列，再“选择性粘贴 → 数值”后保存并重新导入"]
    );
}

#[test]
fn files_named_xlsx_that_are_not_are_named_for_what_they_are() {
    let html = "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>企业商品货号</td></tr></table></body></html>";
    let refused = import(html.as_bytes(), "导出.xlsx").unwrap_err();
    assert_eq!(refused, ImportError::Html);
    assert!(refused.to_string().starts_with("该文件实为网页（HTML）"));
    let xls = [
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
        &[0; 64],
    ]
    .concat();
    assert_eq!(import(&xls, "商品.xlsx"), Err(ImportError::Xls));
    assert_eq!(
        import(b"PK\x03\x04broken", "商品.xlsx"),
        Err(ImportError::NotXlsx)
    );
    assert_eq!(
        import(CSV.as_bytes(), "商品.xlsx"),
        Err(ImportError::NotXlsx)
    );
}
