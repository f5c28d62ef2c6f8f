package io.hashstream.cli;

import java.util.Locale;
import picocli.CommandLine;

/** A count of bytes as users write it: {@code 1048576}, {@code 512K}, {@code 20M}, {@code 1G} (powers of 1024). */
final class ByteCountConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String text = value.strip().toUpperCase(Locale.ROOT);
    if (text.endsWith("IB")) {
      text = text.substring(0, text.length() - 2);
    } else if (text.endsWith("B")) {
      text = text.substring(0, text.length() - 1);
    }
    int shift = 0;
    if (!text.isEmpty()) {
      shift =
          switch (text.charAt(text.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
          };
    }
    String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
    long count;
    try {
      count = Long.parseLong(digits.strip());
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a number of bytes (such as 1048576, 512K, 20M, 1G)");
    }
    if (count < 0 || count > (Long.MAX_VALUE >> shift)) {
      throw new CommandLine.TypeConversionException("'" + value + "' is out of range");
    }
    return count << shift;
  }
}
