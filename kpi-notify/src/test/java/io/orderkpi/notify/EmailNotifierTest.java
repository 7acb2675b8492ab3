package io.orderkpi.notify;

import static io.orderkpi.notify.TestNotifications.completed;
import static io.orderkpi.notify.TestNotifications.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.orderkpi.core.notification.NotificationRejectedException;
import io.orderkpi.core.order.Money;
import io.orderkpi.notify.TestNotifications.Sample;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailNotifierTest {

    @RegisterExtension
    static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(TestSmtp.smtp());

    private final List<EmailNotifier> notifiers = new ArrayList<>();

    @AfterEach
    void closeNotifiers() {
        notifiers.forEach(EmailNotifier::close);
    }

    private SmtpSettings.Builder settings() {
        return SmtpSettings.builder("127.0.0.1", "shop@example.com").tls(SmtpTls.NONE)
                .port(GREEN_MAIL.getSmtp().getPort());
    }

    private EmailNotifier notifier(SmtpSettings.Builder settings) {
        EmailNotifier notifier = new EmailNotifier(settings.build());
        notifiers.add(notifier);
        return notifier;
    }

    /** Sends through a notifier with the default test settings and returns the one mail GreenMail got. */
    private MimeMessage sendAndReceive(Sample sample) throws Exception {
        notifier(settings()).send(sample.notification(), sample.message());
        return onlyMessage();
    }

    private static MimeMessage onlyMessage() {
        MimeMessage[] received = GREEN_MAIL.getReceivedMessages();
        assertThat(received).hasSize(1);
        return received[0];
    }

    /** A body part's text, with SMTP's CRLF line ends read back as the {@code \n} it was written with. */
    private static String part(MimeMessage message, int index) throws Exception {
        return ((String) ((MimeMultipart) message.getContent()).getBodyPart(index).getContent()).replace("\r\n", "\n");
    }

    private static void assertSingleRecipient(MimeMessage message, String address, String name) throws Exception {
        assertThat(message.getAllRecipients()).hasSize(1);
        InternetAddress to = (InternetAddress) message.getRecipients(Message.RecipientType.TO)[0];
        assertThat(to.getAddress()).isEqualTo(address);
        assertThat(to.getPersonal()).isEqualTo(name);
        assertThat(message.getRecipients(Message.RecipientType.CC)).isNull();
        assertThat(message.getRecipients(Message.RecipientType.BCC)).isNull();
    }

    @Test
    void aCompletedOrderArrivesWithTheSeedsTextAndAnHtmlAlternative() throws Exception {
        Sample sample = completed(7, order("A-1001", "Ada Lovelace", "ada@example.com"));

        MimeMessage message = sendAndReceive(sample);
        assertThat(message.getSubject()).isEqualTo("Order #A-1001 Confirmed");
        assertThat(message.getFrom()).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("shop@example.com");
        assertSingleRecipient(message, "ada@example.com", "Ada Lovelace");
        assertThat(message.getContentType()).startsWith("multipart/alternative");
        BodyPart text = ((MimeMultipart) message.getContent()).getBodyPart(0);
        assertThat(text.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(part(message, 0)).isEqualTo("""
                Hello Ada Lovelace,

                Thank you for your order #A-1001. It has been confirmed and completed.

                Total: 129.50 EUR""");
        assertThat(((MimeMultipart) message.getContent()).getBodyPart(1).getContentType())
                .isEqualToIgnoringCase("text/html; charset=UTF-8");
        assertThat(part(message, 1)).isEqualTo("""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Order #A-1001 Confirmed</title></head>
                <body>
                <p>Hello Ada Lovelace,</p>
                <p>Thank you for your order #A-1001. It has been confirmed and completed.</p>
                <p>Total: 129.50 EUR</p>
                </body></html>
                """);
        assertThat(message.getMessageID())
                .isEqualTo("<okpi.7." + TestNotifications.CREATED.toEpochMilli() + "@example.com>");
        assertThat(message.getHeader("Auto-Submitted")).containsExactly("auto-generated");
    }

    @Test
    void aFailedOrderArrivesWithItsReason() throws Exception {
        Sample sample = TestNotifications.failed(8, order("A-1002", "Ada Lovelace", "ada@example.com"),
                "Payment declined by bank");

        MimeMessage message = sendAndReceive(sample);
        assertThat(message.getSubject()).isEqualTo("Order #A-1002 Failed");
        assertSingleRecipient(message, "ada@example.com", "Ada Lovelace");
        assertThat(part(message, 0)).isEqualTo("""
                Hello Ada Lovelace,

                Unfortunately, your order #A-1002 could not be completed.

                Reason: Payment declined by bank
                Total: 129.50 EUR""");
        assertThat(part(message, 1)).isEqualTo("""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Order #A-1002 Failed</title></head>
                <body>
                <p>Hello Ada Lovelace,</p>
                <p>Unfortunately, your order #A-1002 could not be completed.</p>
                <p>Reason: Payment declined by bank<br>
                Total: 129.50 EUR</p>
                </body></html>
                """);
    }

    @Test
    void aRefundArrivesWithItsAmountAndId() throws Exception {
        Sample sample = TestNotifications.refunded(9, order("A-1003", "Ada Lovelace", "ada@example.com"), "R-1",
                Money.parse("10.00"));

        MimeMessage message = sendAndReceive(sample);
        assertThat(message.getSubject()).isEqualTo("Refund for Order #A-1003 Processed");
        assertSingleRecipient(message, "ada@example.com", "Ada Lovelace");
        assertThat(part(message, 0)).isEqualTo("""
                Hello Ada Lovelace,

                A refund of 10.00 EUR for your order #A-1003 has been processed.

                Refund ID: R-1""");
        assertThat(part(message, 1)).isEqualTo("""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Refund for Order #A-1003 Processed</title></head>
                <body>
                <p>Hello Ada Lovelace,</p>
                <p>A refund of 10.00 EUR for your order #A-1003 has been processed.</p>
                <p>Refund ID: R-1</p>
                </body></html>
                """);
    }

    @Test
    void everyValueIsEscapedInTheHtmlAndKeptAsIsInTheText() throws Exception {
        String name = "Ada <script>alert('x')</script> & \"Co\"";
        Sample sample = completed(10, order("A-<1>&2", name, "ada@example.com"));

        MimeMessage message = sendAndReceive(sample);
        assertThat(part(message, 0)).startsWith("Hello " + name + ",\n").contains("order #A-<1>&2.");
        assertThat(part(message, 1))
                .contains("<title>Order #A-&lt;1&gt;&amp;2 Confirmed</title>")
                .contains("<p>Hello Ada &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;,</p>")
                .contains("your order #A-&lt;1&gt;&amp;2.")
                .doesNotContain("<script>", "<1>");
        assertSingleRecipient(message, "ada@example.com", name);
    }

    @Test
    void lineBreaksInANameOrOrderNumberNeverReachAHeader() throws Exception {
        String injection = "\r\nBcc: x@example.com";
        Sample sample = completed(11, order("A-1" + injection, "Ada" + injection + "\nX-Evil: 1", "ada@example.com"));

        MimeMessage message = sendAndReceive(sample);
        assertSingleRecipient(message, "ada@example.com", "Ada Bcc: x@example.com X-Evil: 1");
        assertThat(message.getSubject()).isEqualTo("Order #A-1 Bcc: x@example.com Confirmed");
        assertThat(message.getHeader("Bcc")).isNull();
        assertThat(message.getHeader("X-Evil")).isNull();
        String headers = GreenMailUtil.getHeaders(message);
        assertThat(headers.lines()).noneMatch(line -> line.regionMatches(true, 0, "Bcc:", 0, 4))
                .noneMatch(line -> line.startsWith("X-Evil"));
        assertThat(GREEN_MAIL.getUserManager().getUserByEmail("x@example.com")).isNull();
    }

    @Test
    void otherControlAndSeparatorCharactersAreReplacedToo() throws Exception {
        Sample sample = completed(12, order("A-1\u0085\u2028\u2029\u0000\u001b\t2", "Ada\u2028Lovelace\u0007",
                "ada@example.com"));

        MimeMessage message = sendAndReceive(sample);
        assertThat(message.getSubject()).isEqualTo("Order #A-1 2 Confirmed");
        assertSingleRecipient(message, "ada@example.com", "Ada Lovelace");
    }

    @Test
    void aNameThatIsOnlyBlanksIsDroppedRatherThanSentEmpty() throws Exception {
        Sample sample = completed(13, order("A-1", " \r\n\t ", "ada@example.com"));

        notifier(settings()).send(sample.notification(), sample.message());

        assertSingleRecipient(onlyMessage(), "ada@example.com", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ada", "ada@", "@example.com", "ada@@example.com", "Ada <ada@example.com>",
            "ada@example.com, bob@example.com", "ada @example.com", "ada@example.com\r\nBcc: x@example.com",
            "ada@exam\nple.com", "ad\u00e4@example.com", "ada@exa mple.com", "(comment)ada@example.com"})
    void anOrderWithoutOneValidAddressIsRejectedWithoutConnecting(String address) {
        Sample sample = completed(14, order("A-1", "Ada", address));
        EmailNotifier notifier = notifier(settings());

        assertThatThrownBy(() -> notifier.send(sample.notification(), sample.message()))
                .isInstanceOf(NotificationRejectedException.class).hasMessage("no valid e-mail address");
        assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
        assertThat(notifier.connectionsOpened()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@b.co", "first.last+tag@sub.example.com",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl@example.com"})
    void theShortestAndLongestOrdinaryAddressesAreAccepted(String address) throws Exception {
        Sample sample = completed(15, order("A-1", "Ada", address));

        notifier(settings()).send(sample.notification(), sample.message());

        assertSingleRecipient(onlyMessage(), address, "Ada");
    }

    @Test
    void theSameNotificationSentTwiceCarriesTheSameMessageId() throws Exception {
        EmailNotifier notifier = notifier(settings());
        Sample first = completed(21, order("A-1", "Ada", "ada@example.com"));
        Sample other = completed(22, order("A-1", "Ada", "ada@example.com"));

        notifier.send(first.notification(), first.message());
        notifier.send(first.notification(), first.message());
        notifier.send(other.notification(), other.message());

        MimeMessage[] received = GREEN_MAIL.getReceivedMessages();
        assertThat(received).hasSize(3);
        assertThat(received[0].getMessageID()).isEqualTo(received[1].getMessageID())
                .isNotEqualTo(received[2].getMessageID());
    }

    @Test
    void aRedirectSendsEveryMailToStagingAndKeepsTheCustomersAddressInAHeader() throws Exception {
        Sample sample = completed(23, order("A-1", "Ada Lovelace", "ada@example.com"));

        notifier(settings().redirectTo("staging@example.org")).send(sample.notification(), sample.message());

        MimeMessage message = onlyMessage();
        assertSingleRecipient(message, "staging@example.org", null);
        assertThat(message.getHeader(EmailNotifier.ORIGINAL_TO_HEADER)).containsExactly("ada@example.com");
        assertThat(GREEN_MAIL.getUserManager().getUserByEmail("ada@example.com")).isNull();
    }

    @Test
    void anApplicationCanReplaceTheTemplates() throws Exception {
        EmailTemplate branded = (notification, message) -> new EmailContent("Shop: " + message.subject() + "\r\nX: y",
                "Custom text for " + notification.type(), "<p>custom</p>");
        EmailNotifier notifier = new EmailNotifier(settings().build(), branded);
        notifiers.add(notifier);
        Sample sample = completed(24, order("A-1", "Ada", "ada@example.com"));

        notifier.send(sample.notification(), sample.message());

        MimeMessage message = onlyMessage();
        assertThat(message.getSubject()).isEqualTo("Shop: Order #A-1 Confirmed X: y");
        assertThat(message.getHeader("X")).isNull();
        assertThat(part(message, 0)).isEqualTo("Custom text for order_completed");
        assertThat(part(message, 1)).isEqualTo("<p>custom</p>");
    }

    @Test
    void settingsNeverShowThePasswordAndRefuseBadValuesNamingTheField() {
        SmtpSettings settings = settings().credentials("mailer", "hunter2-secret").build();

        assertThat(settings.toString()).contains("mailer", "password=****").doesNotContain("hunter2");
        assertThat(new EmailNotifier(settings).toString()).doesNotContain("hunter2");
        assertThat(SmtpSettings.builder("mail.example.com", "shop@example.com").tls(SmtpTls.IMPLICIT).build().port())
                .isEqualTo(465);
        assertThat(SmtpSettings.builder("mail.example.com", "shop@example.com").build().server())
                .isEqualTo("mail.example.com:587 (starttls)");
        assertThatThrownBy(() -> SmtpSettings.builder("mail.example.com", "Shop <shop@example.com>"))
                .hasMessageStartingWith("from: not a plain e-mail address");
        assertThatThrownBy(() -> SmtpSettings.builder(" ", "shop@example.com")).hasMessageStartingWith("host:");
        assertThatThrownBy(() -> settings().port(0)).hasMessageStartingWith("port:");
        assertThatThrownBy(() -> settings().port(65_536)).hasMessageStartingWith("port:");
        assertThat(settings().port(65_535).build().port()).isEqualTo(65_535);
        assertThatThrownBy(() -> settings().poolSize(0)).hasMessageStartingWith("poolSize:");
        assertThat(settings().poolSize(SmtpSettings.MAX_POOL_SIZE).build().poolSize()).isEqualTo(64);
        assertThatThrownBy(() -> settings().poolSize(65)).hasMessageStartingWith("poolSize:");
        assertThatThrownBy(() -> settings().readTimeout(java.time.Duration.ZERO)).hasMessageStartingWith("readTimeout:");
        assertThatThrownBy(() -> settings().redirectTo("a@b\r\nBcc: c@d")).hasMessageStartingWith("redirectTo:");
        assertThat(Arrays.stream(SmtpTls.values()).map(SmtpTls::wireName)).containsExactly("none", "starttls",
                "implicit");
        assertThat(SmtpTls.fromWireName(" STARTTLS ")).contains(SmtpTls.STARTTLS);
        assertThat(SmtpTls.fromWireName("true")).isEmpty();
    }
}
