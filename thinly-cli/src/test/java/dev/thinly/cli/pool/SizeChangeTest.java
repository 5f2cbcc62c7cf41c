package dev.thinly.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinly.pdata.error.InvalidRequestException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SizeChangeTest {
  private static final SizeChange.Converter PARSE = new SizeChange.Converter();

  @Test
  void absoluteAndRelativeSizes() {
    assertThat(PARSE.convert("20G").applyTo(10L << 30)).isEqualTo(20L << 30);
    assertThat(PARSE.convert("+5G").applyTo(10L << 30)).isEqualTo(15L << 30);
    assertThat(PARSE.convert("-512M").applyTo(1L << 30)).isEqualTo(512L << 20);
    assertThat(PARSE.convert("+1.5K").relative()).isTrue();
    assertThat(PARSE.convert("4096").relative()).isFalse();
  }

  @Test
  void shrinkingToNothingAndNonsenseAreRefused() {
    assertThatThrownBy(() -> PARSE.convert("-1G").applyTo(1L << 30)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> PARSE.convert("+10Q")).isInstanceOf(CommandLine.TypeConversionException.class);
    assertThatThrownBy(() -> PARSE.convert("--1G")).isInstanceOf(CommandLine.TypeConversionException.class);
  }
}
