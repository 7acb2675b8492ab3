package io.orderkpi.notify;

import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;

/**
 * The texts kpi-core renders, sent as they are, plus an HTML alternative of the same body:
 * paragraphs at blank lines, line breaks kept, every character that means something in HTML
 * escaped. Stateless.
 */
final class StandardEmailTemplate implements EmailTemplate {

    static final StandardEmailTemplate INSTANCE = new StandardEmailTemplate();

    private StandardEmailTemplate() {
    }

    @Override
    public EmailContent render(Notification notification, NotificationMessage message) {
        return new EmailContent(message.subject(), message.body(), html(message.subject(), message.body()));
    }

    /** A small HTML document of a plain-text body. */
    static String html(String title, String body) {
        StringBuilder html = new StringBuilder(body.length() * 2 + 200)
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
        escape(html, title);
        html.append("</title></head>\n<body>\n");
        String normalized = body.replace("\r\n", "\n").replace('\r', '\n');
        for (String paragraph : normalized.split("\n{2,}")) {
            if (paragraph.isBlank()) {
                continue;
            }
            html.append("<p>");
            String[] lines = paragraph.split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (i > 0) {
                    html.append("<br>\n");
                }
                escape(html, lines[i]);
            }
            html.append("</p>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    /** Escapes the five characters with a meaning in HTML text and attributes. */
    static void escape(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
    }
}
