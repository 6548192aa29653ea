package io.tunnelscope.gui;

import java.util.function.IntConsumer;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ScrollPane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/** Hex and ASCII dump of one packet, drawn on a canvas, with the bytes of the selected field highlighted. */
final class HexView extends ScrollPane {
    private static final int PER_LINE = 16;
    private static final int MAX_LINES = 1024;
    private static final Color HIGHLIGHT = Color.web("#9ec9ff");
    private static final Color HIGHLIGHT_TEXT = Color.web("#00205b");

    private final Canvas canvas = new Canvas(10, 10);
    private final Font font = Font.font("Monospaced", 12);
    private final double charWidth;
    private final double lineHeight;
    private byte[] data = new byte[0];
    private int highlightStart = -1;
    private int highlightLength;
    private IntConsumer onByteClicked = b -> { };

    HexView() {
        setId("packet-bytes");
        Text probe = new Text("0000000000");
        probe.setFont(font);
        charWidth = probe.getLayoutBounds().getWidth() / 10;
        lineHeight = Math.ceil(probe.getLayoutBounds().getHeight()) + 2;
        setContent(canvas);
        setFitToWidth(false);
        canvas.setOnMouseClicked(e -> {
            int b = byteAt(e.getX(), e.getY());
            if (b >= 0) {
                onByteClicked.accept(b);
            }
        });
        redraw();
    }

    void setOnByteClicked(IntConsumer consumer) {
        this.onByteClicked = consumer;
    }

    void setData(byte[] bytes) {
        this.data = bytes == null ? new byte[0] : bytes;
        this.highlightStart = -1;
        this.highlightLength = 0;
        redraw();
        setVvalue(0);
    }

    byte[] data() {
        return data;
    }

    /** Highlights {@code [offset, offset + length)} and scrolls it into view. */
    void highlight(int offset, int length) {
        this.highlightStart = offset;
        this.highlightLength = length;
        redraw();
        if (offset >= 0) {
            double y = (offset / PER_LINE) * lineHeight;
            double h = canvas.getHeight() - getViewportBounds().getHeight();
            if (h > 0) {
                setVvalue(Math.min(1, Math.max(0, (y - lineHeight * 2) / h)));
            }
        }
    }

    int highlightStart() {
        return highlightStart;
    }

    int highlightLength() {
        return highlightLength;
    }

    /** Where byte {@code b}'s hex digits are drawn, in the coordinates of the view's content (the canvas). */
    Point2D byteCentre(int b) {
        return new Point2D(hexX(b % PER_LINE) + charWidth, (b / PER_LINE) * lineHeight + lineHeight / 2);
    }

    private double hexX(int col) {
        return charWidth * (6 + col * 3 + (col >= 8 ? 1 : 0));
    }

    private double asciiX(int col) {
        return charWidth * (6 + PER_LINE * 3 + 2 + col);
    }

    private int byteAt(double x, double y) {
        int line = (int) (y / lineHeight);
        for (int col = 0; col < PER_LINE; col++) {
            if ((x >= hexX(col) && x < hexX(col) + charWidth * 2.5) || (x >= asciiX(col) && x < asciiX(col) + charWidth)) {
                int b = line * PER_LINE + col;
                return b < data.length ? b : -1;
            }
        }
        return -1;
    }

    private void redraw() {
        int lines = Math.min(MAX_LINES, Math.max(1, (data.length + PER_LINE - 1) / PER_LINE));
        canvas.setWidth(asciiX(PER_LINE) + charWidth * 2);
        canvas.setHeight(lines * lineHeight + 4);
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        g.setFont(font);
        g.setTextBaseline(VPos.TOP);
        int hiEnd = highlightStart + highlightLength;
        for (int line = 0; line < lines; line++) {
            double y = line * lineHeight + 1;
            g.setFill(Color.GRAY);
            g.fillText(String.format("%04x", line * PER_LINE), 0, y);
            for (int col = 0; col < PER_LINE; col++) {
                int b = line * PER_LINE + col;
                if (b >= data.length) {
                    break;
                }
                boolean hi = b >= highlightStart && b < hiEnd;
                if (hi) {
                    g.setFill(HIGHLIGHT);
                    g.fillRect(hexX(col) - 1, y - 1, charWidth * 2 + 2, lineHeight);
                    g.fillRect(asciiX(col), y - 1, charWidth, lineHeight);
                }
                int v = data[b] & 0xFF;
                g.setFill(hi ? HIGHLIGHT_TEXT : Color.BLACK);
                g.fillText(String.format("%02x", v), hexX(col), y);
                g.fillText(v >= 0x20 && v < 0x7F ? String.valueOf((char) v) : ".", asciiX(col), y);
            }
        }
    }
}
