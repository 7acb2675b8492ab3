package io.orderkpi.core.notification;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailMaskingTest {

    @Test
    void keepsTheFirstCharacterOfTheLocalPartAndTheDomain() {
        assertThat(EmailMasking.mask("john.doe@example.com")).isEqualTo("j***@example.com");
        assertThat(EmailMasking.mask("  jo@example.com\n")).isEqualTo("j***@example.com");
    }

    @Test
    void anEmptyAddressStaysEmpty() {
        assertThat(EmailMasking.mask("")).isEmpty();
        assertThat(EmailMasking.mask("   ")).isEmpty();
    }

    @Test
    void aTextWithoutAtIsMaskedAsALocalPart() {
        assertThat(EmailMasking.mask("johndoe")).isEqualTo("j***");
        assertThat(EmailMasking.mask("j")).isEqualTo("***");
    }

    @Test
    void aOneLetterLocalPartIsHiddenWhole() {
        assertThat(EmailMasking.mask("j@example.com")).isEqualTo("***@example.com");
        assertThat(EmailMasking.mask("@example.com")).isEqualTo("***@example.com");
    }

    @Test
    void theLastAtSeparatesTheDomain() {
        assertThat(EmailMasking.mask("\"a@b\"@example.com")).isEqualTo("\"***@example.com");
        assertThat(EmailMasking.mask("john@")).isEqualTo("j***@");
    }

    @Test
    void unicodeIsMaskedByCodePointsNeverSplittingACharacter() {
        assertThat(EmailMasking.mask("élodie@exämple.fr")).isEqualTo("é***@exämple.fr");
        assertThat(EmailMasking.mask("\uD835\uDC9Cda@example.com")).isEqualTo("\uD835\uDC9C***@example.com");
        assertThat(EmailMasking.mask("\uD835\uDC9C@example.com")).isEqualTo("***@example.com");
        assertThat(EmailMasking.mask("用户@例子.广告")).isEqualTo("用***@例子.广告");
    }

    @Test
    void maskAllMasksEveryAddressInsideAText() {
        assertThat(EmailMasking.maskAll("550 5.1.1 <jane@example.com>: unknown; cc bob.b@example.org, done"))
                .isEqualTo("550 5.1.1 <j***@example.com>: unknown; cc b***@example.org, done");
        assertThat(EmailMasking.maskAll("no address here")).isEqualTo("no address here");
        assertThat(EmailMasking.maskAll("")).isEmpty();
    }
}
