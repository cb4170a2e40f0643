//! What the native commands print to a terminal. Page text (URLs, cookie
//! names, notes) and stored receipts are written by whoever made the page
//! or sent the receipt, and a terminal obeys control characters: an escape
//! sequence can rewrite lines already shown, retitle the window, or hide
//! text; bidirectional overrides can reorder what is read.

/// `text` with every control character but line feed and tab, and every
/// bidirectional control, written as a visible `\u{…}` escape.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let hidden = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if hidden {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn escapes_and_bidi_controls_are_shown_not_obeyed() {
        assert_eq!(
            printable("a\u{1b}]0;pwned\u{7}b\u{9b}2Jc\u{202e}d\ne\tf\r"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{9b}2Jc\\u{202e}d\ne\tf\\u{d}"
        );
        assert_eq!(printable("ação, 名前"), "ação, 名前");
    }
}
