package io.bpf4j.classic.internal;

import io.bpf4j.classic.ClassicFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokens of one line of classic assembly (both libpcap's listing and the kernel's bpf_asm):
 * numbers (decimal with an optional sign, {@code 0x} hex, {@code 0b} binary, {@code 0} octal),
 * words, and the punctuation {@code # % [ ] ( ) + * & , :}.
 */
public final class Tokens {
    /** One token; {@code column} is 1-based within the line. */
    public record Token(String text, int column, boolean isNumber, long value) {}

    private final List<Token> tokens;
    private final int line;
    private final int endColumn;
    private int next;

    private Tokens(List<Token> tokens, int line, int endColumn) {
        this.tokens = tokens;
        this.line = line;
        this.endColumn = endColumn;
    }

    /** Splits {@code text} (the line without comments), whose first character is at {@code firstColumn}. */
    public static Tokens of(String text, int line, int firstColumn) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int column = firstColumn + i;
            if (Character.isWhitespace(c)) {
                i++;
            } else if ("#%[]()+*&,:".indexOf(c) >= 0) {
                // a sign directly before a digit, after something that is not a value, belongs to the number
                if (c == '+' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)) && signAllowed(out)) {
                    int end = numberEnd(text, i + 1);
                    out.add(number(text.substring(i, end), line, column));
                    i = end;
                } else {
                    out.add(new Token(String.valueOf(c), column, false, 0));
                    i++;
                }
            } else if (c == '-' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1))) {
                int end = numberEnd(text, i + 1);
                out.add(number(text.substring(i, end), line, column));
                i = end;
            } else if (Character.isDigit(c)) {
                int end = numberEnd(text, i);
                out.add(number(text.substring(i, end), line, column));
                i = end;
            } else if (Character.isLetter(c) || c == '_' || c == '.') {
                int end = i;
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'
                        || text.charAt(end) == '.')) {
                    end++;
                }
                out.add(new Token(text.substring(i, end), column, false, 0));
                i = end;
            } else {
                throw new ClassicFormatException(line, column, "unexpected character '" + c + "'");
            }
        }
        return new Tokens(out, line, firstColumn + text.length());
    }

    private static boolean signAllowed(List<Token> before) {
        return !before.isEmpty() && before.getLast().text().equals("#");
    }

    private static int numberEnd(String text, int i) {
        int end = i;
        while (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
            end++;
        }
        return end;
    }

    private static Token number(String text, int line, int column) {
        String digits = text;
        boolean negative = false;
        if (digits.startsWith("-") || digits.startsWith("+")) {
            negative = digits.startsWith("-");
            digits = digits.substring(1);
        }
        long value;
        try {
            String lower = digits.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("0x")) {
                value = Long.parseLong(lower.substring(2), 16);
            } else if (lower.startsWith("0b")) {
                value = Long.parseLong(lower.substring(2), 2);
            } else if (lower.length() > 1 && lower.startsWith("0")) {
                value = Long.parseLong(lower.substring(1), 8);
            } else {
                value = Long.parseLong(lower);
            }
        } catch (NumberFormatException e) {
            throw new ClassicFormatException(line, column, "'" + text + "' is not a number");
        }
        if (negative) {
            value = -value;
        }
        if (value < Integer.MIN_VALUE || value > 0xffffffffL) {
            throw new ClassicFormatException(line, column, "'" + text + "' does not fit in 32 bits");
        }
        return new Token(text, column, true, value);
    }

    public int line() {
        return line;
    }

    public boolean atEnd() {
        return next >= tokens.size();
    }

    /** The next token without taking it, or null at the end. */
    public Token peek() {
        return atEnd() ? null : tokens.get(next);
    }

    public boolean peekIs(String text) {
        Token t = peek();
        return t != null && !t.isNumber() && t.text().equalsIgnoreCase(text);
    }

    /** Takes the next token if it is {@code text}. */
    public boolean accept(String text) {
        if (peekIs(text)) {
            next++;
            return true;
        }
        return false;
    }

    public void expect(String text) {
        if (!accept(text)) {
            throw error("expected '" + text + "'");
        }
    }

    public Token take() {
        if (atEnd()) {
            throw error("unexpected end of line");
        }
        return tokens.get(next++);
    }

    /** A 32-bit number, returned as the int of its two's-complement bits. */
    public int number() {
        Token t = peek();
        if (t == null || !t.isNumber()) {
            throw error("expected a number");
        }
        next++;
        return (int) t.value();
    }

    public String word() {
        Token t = peek();
        if (t == null || t.isNumber() || t.text().length() == 1 && "#%[]()+*&,:".contains(t.text())) {
            throw error("expected a name");
        }
        next++;
        return t.text();
    }

    public void expectEnd() {
        if (!atEnd()) {
            throw error("unexpected '" + peek().text() + "'");
        }
    }

    public ClassicFormatException error(String reason) {
        Token t = peek();
        String found = t == null ? " at the end of the line" : ", found '" + t.text() + "'";
        return new ClassicFormatException(line, t == null ? endColumn : t.column(), reason + found);
    }
}
