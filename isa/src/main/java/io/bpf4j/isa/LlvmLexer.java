package io.bpf4j.isa;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits LLVM BPF assembly into statements of tokens, as {@code llvm-mc -triple bpf} reads it: a
 * statement ends at a newline or a {@code ;}; {@code #} and {@code //} comment out the rest of the
 * line; {@code /* ... *}{@code /} comments may span lines. Every token knows its 1-based line and
 * column.
 */
final class LlvmLexer {
    enum Kind {
        IDENT,
        NUMBER,
        STRING,
        PUNCT
    }

    record Token(Kind kind, String text, BigInteger value, int line, int column) {
        boolean is(String s) {
            return kind != Kind.STRING && text.equals(s);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The tokens of one statement, and the position just after its last token. */
    record Statement(List<Token> tokens, int endLine, int endColumn) {}

    private static final String[] PUNCTUATION = {
        "<<=", ">>=", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "|=", "&=", "%=", "^=",
        "=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ",", ":", "&", "|", "^", "%", "!", "@", "~"
    };

    private final String source;
    private int pos;
    private int line = 1;
    private int lineStart;

    LlvmLexer(String source) {
        this.source = source;
    }

    private int column() {
        return pos - lineStart + 1;
    }

    /** The next non-empty statement, or null at the end of the source. */
    Statement next() {
        List<Token> current = new ArrayList<>();
        while (true) {
            if (pos >= source.length()) {
                return current.isEmpty() ? null : statement(current);
            }
            char c = source.charAt(pos);
            if (c == '\n' || c == ';') {
                pos++;
                Statement done = current.isEmpty() ? null : statement(current);
                if (c == '\n') {
                    line++;
                    lineStart = pos;
                }
                if (done != null) {
                    return done;
                }
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == '#' || source.startsWith("//", pos)) {
                while (pos < source.length() && source.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (source.startsWith("/*", pos)) {
                blockComment();
            } else if (isIdentifierStart(c)) {
                int start = pos;
                int column = column();
                while (pos < source.length() && isIdentifierPart(source.charAt(pos))) {
                    pos++;
                }
                current.add(new Token(Kind.IDENT, source.substring(start, pos), null, line, column));
            } else if (c >= '0' && c <= '9') {
                current.add(number());
            } else if (c == '"') {
                current.add(string());
            } else {
                current.add(punctuation());
            }
        }
    }

    private static Statement statement(List<Token> tokens) {
        Token last = tokens.getLast();
        return new Statement(tokens, last.line(), last.column() + last.text().length());
    }

    private void blockComment() {
        int startLine = line;
        int startColumn = column();
        int end = source.indexOf("*/", pos + 2);
        if (end < 0) {
            throw new AssemblyException(startLine, startColumn, "unterminated /* comment");
        }
        for (int i = pos; i < end; i++) {
            if (source.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        pos = end + 2;
    }

    static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '$';
    }

    static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || (c >= '0' && c <= '9');
    }

    private Token number() {
        int start = pos;
        int column = column();
        while (pos < source.length() && isIdentifierPart(source.charAt(pos))) {
            pos++;
        }
        String text = source.substring(start, pos);
        char radix = text.length() > 1 && text.charAt(0) == '0' ? Character.toLowerCase(text.charAt(1)) : ' ';
        BigInteger value;
        try {
            if (radix == 'x') {
                value = new BigInteger(text.substring(2), 16);
            } else if (radix == 'b') {
                value = new BigInteger(text.substring(2), 2);
            } else if (text.length() > 1 && text.startsWith("0")) {
                value = new BigInteger(text.substring(1), 8); // as llvm-mc: a leading 0 means octal
            } else {
                value = new BigInteger(text, 10);
            }
        } catch (NumberFormatException e) {
            throw new AssemblyException(line, column, "invalid number '" + text + "'");
        }
        return new Token(Kind.NUMBER, text, value, line, column);
    }

    private Token string() {
        int column = column();
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= source.length() || source.charAt(pos) == '\n') {
                throw new AssemblyException(line, column, "unterminated string");
            }
            char c = source.charAt(pos++);
            if (c == '"') {
                return new Token(Kind.STRING, sb.toString(), null, line, column);
            }
            if (c == '\\' && pos < source.length() && source.charAt(pos) != '\n') {
                c = source.charAt(pos++);
            }
            sb.append(c);
        }
    }

    private Token punctuation() {
        int column = column();
        for (String p : PUNCTUATION) {
            if (source.startsWith(p, pos)) {
                pos += p.length();
                return new Token(Kind.PUNCT, p, null, line, column);
            }
        }
        int cp = source.codePointAt(pos);
        throw new AssemblyException(line, column, "unexpected character '" + Character.toString(cp) + "'");
    }
}
