// Reads a CSV export like a spreadsheet would: RFC 4180 fields (quotes doubled inside
// quoted fields, separators and line breaks allowed there), records ended by CRLF. Written
// here rather than taken from a library so that a quoting mistake of the relay shows up as
// a wrong cell, not as a parser's guess.

export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface CsvFile {
  bom: boolean;
  header: string[];
  rows: string[][];
}

export function readCsv(bytes: Buffer, separator: string): CsvFile {
  const bom = bytes.subarray(0, 3).equals(UTF8_BOM);
  const text = bytes.subarray(bom ? 3 : 0).toString("utf8");
  const records = parseCsv(text, separator);
  const [header = [], ...rows] = records;
  return { bom, header, rows };
}

export function parseCsv(text: string, separator: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
      } else {
        field += c;
        i += 1;
      }
    } else if (c === '"' && field === "") {
      quoted = true;
      i += 1;
    } else if (c === separator) {
      record.push(field);
      field = "";
      i += 1;
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 2;
    } else if (c === "\r" || c === "\n" || c === '"') {
      throw new Error(`CSV: bare ${JSON.stringify(c)} at offset ${i} (records end with CRLF; quotes only around whole fields)`);
    } else {
      field += c;
      i += 1;
    }
  }
  if (quoted) throw new Error("CSV: a quoted field is not closed");
  if (field !== "" || record.length > 0) throw new Error("CSV: the last record does not end with CRLF");
  return records;
}

// How a spreadsheet-safe export writes a value: a leading = + - @ TAB or CR gets an
// apostrophe so that it is never read as a formula.
export function neutralised(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
