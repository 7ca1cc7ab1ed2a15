//! Go's text/tabwriter, which kubectl prints every table and `describe` through: cells end at
//! tabs, a column block is a run of consecutive lines that have a cell in that column, and
//! each block is as wide as its widest cell plus the padding.

pub struct TabWriter {
    pub min_width: usize,
    pub padding: usize,
}

/// kubectl get's printer (printers.GetNewTabWriter: minwidth 6, padding 3).
pub const GET: TabWriter = TabWriter { min_width: 6, padding: 3 };
/// kubectl describe's writer (minwidth 0, padding 2).
pub const DESCRIBE: TabWriter = TabWriter { min_width: 0, padding: 2 };

impl TabWriter {
    pub fn format(&self, text: &str) -> String {
        let mut lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
        // a trailing newline leaves an empty last line that is not output
        let trailing_newline = text.ends_with('\n');
        if trailing_newline {
            lines.pop();
        }
        let mut out = String::with_capacity(text.len() * 2);
        let mut widths: Vec<usize> = vec![];
        self.block(&lines, 0, lines.len(), &mut widths, &mut out);
        if !trailing_newline && out.ends_with('\n') {
            out.pop();
        }
        out
    }

    fn block(&self, lines: &[Vec<&str>], mut line0: usize, line1: usize, widths: &mut Vec<usize>, out: &mut String) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column >= lines[this].len() - 1 {
                this += 1;
                continue;
            }
            self.write_lines(lines, line0, this, widths, out);
            line0 = this;
            let mut width = self.min_width;
            while this < line1 {
                let line = &lines[this];
                if column >= line.len() - 1 {
                    break;
                }
                width = width.max(line[column].chars().count() + self.padding);
                this += 1;
            }
            widths.push(width);
            self.block(lines, line0, this, widths, out);
            widths.pop();
            line0 = this;
        }
        self.write_lines(lines, line0, line1, widths, out);
    }

    fn write_lines(&self, lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
        for line in &lines[from..to] {
            for (j, cell) in line.iter().enumerate() {
                out.push_str(cell);
                if j < widths.len() {
                    for _ in cell.chars().count()..widths[j] {
                        out.push(' ');
                    }
                }
            }
            out.push('\n');
        }
    }
}

/// A `kubectl get` table from headers and rows.
pub fn render(headers: &[&str], rows: &[Vec<String>], no_headers: bool) -> String {
    let mut text = String::new();
    if !no_headers {
        text.push_str(&headers.join("\t"));
        text.push('\n');
    }
    for r in rows {
        text.push_str(&r.join("\t"));
        text.push('\n');
    }
    GET.format(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_layout() {
        let t = render(&["NAME", "STATUS", "AGE"], &[vec!["controlplane".into(), "Ready".into(), "5m".into()], vec!["node01".into(), "NotReady".into(), "4m".into()]], false);
        assert_eq!(t, "NAME           STATUS     AGE\ncontrolplane   Ready      5m\nnode01         NotReady   4m\n");
    }

    // Go's tabwriter: column blocks end at a line without that column.
    #[test]
    fn blocks_like_go() {
        let w = TabWriter { min_width: 0, padding: 2 };
        let out = w.format("Name:\tnginx\nNamespace:\tdefault\nContainers:\n  nginx:\n    Image:\tnginx\n    Restart Count:\t0\n");
        assert_eq!(out, "Name:       nginx\nNamespace:  default\nContainers:\n  nginx:\n    Image:          nginx\n    Restart Count:  0\n");
        // a last cell inside a wider block is padded (kubectl's trailing spaces)
        let out = w.format("  Type\tStatus\n  Ready\tTrue \n");
        assert_eq!(out, "  Type   Status\n  Ready  True \n");
    }
}
