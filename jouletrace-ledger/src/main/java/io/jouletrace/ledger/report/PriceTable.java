package io.jouletrace.ledger.report;

import io.jouletrace.ledger.ingest.CsvRows;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * List prices per provider and model (docs/focus.md): a CSV file with the header
 * {@code provider,model,input_per_1m_tokens,output_per_1m_tokens,currency} (columns in any order), prices per million
 * tokens in an ISO 4217 currency, and optionally {@code source} and {@code as_of} (what the price was read from, and
 * when). Provider and model match the recorded ones ignoring case; a model not priced under its own name is priced
 * under its name without a date snapshot suffix ({@code gpt-4o-mini-2024-07-18} as {@code gpt-4o-mini}). The ledger
 * stores the price a record was written under on the record ({@link #bundled()} unless {@code --prices} names a
 * table); the FOCUS export's costs come from it.
 */
public final class PriceTable {

  public static final List<String> COLUMNS = List.of("provider", "model", "input_per_1m_tokens", "output_per_1m_tokens", "currency");
  public static final String SOURCE = "source";
  public static final String AS_OF = "as_of";

  /** No prices: every cost is unknown. */
  public static final PriceTable NONE = new PriceTable(Map.of());

  private static final String BUNDLED = "/io/jouletrace/ledger/prices/list-prices.csv";
  /** A model name's date snapshot suffix: {@code -2024-07-18} or {@code -20241022}. */
  private static final Pattern SNAPSHOT = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$");

  /**
   * A list price per million input and output tokens.
   *
   * @param source what the price was read from (the table's {@code source}, else its file name)
   * @param asOf the date the price was read ({@code YYYY-MM-DD}); null when the table does not say
   */
  public record Price(BigDecimal inputPerMillionTokens, BigDecimal outputPerMillionTokens, String currency, String source, String asOf) {

    /** The rates as hashed and stored: plain decimals without trailing zeros, so a price reads back as it was sealed. */
    public Price {
      inputPerMillionTokens = canonical(inputPerMillionTokens);
      outputPerMillionTokens = canonical(outputPerMillionTokens);
    }

    private static BigDecimal canonical(BigDecimal rate) {
      BigDecimal stripped = rate.stripTrailingZeros();
      return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** What these tokens cost at this price, exactly (no binary rounding). */
    public BigDecimal cost(long inputTokens, long outputTokens) {
      return inputPerMillionTokens.multiply(BigDecimal.valueOf(inputTokens))
          .add(outputPerMillionTokens.multiply(BigDecimal.valueOf(outputTokens)))
          .movePointLeft(6); // prices are per million tokens
    }
  }

  private record Key(String provider, String model) {
    static Key of(String provider, String model) {
      return new Key(provider.toLowerCase(Locale.ROOT), model.toLowerCase(Locale.ROOT));
    }
  }

  private final Map<Key, Price> prices;

  private PriceTable(Map<Key, Price> prices) {
    this.prices = Map.copyOf(prices);
  }

  /** The price of a provider's model (or of its name without a date snapshot suffix); null when the table has none. */
  public Price find(String provider, String model) {
    if (provider == null || model == null) return null;
    Price price = prices.get(Key.of(provider, model));
    if (price != null) return price;
    String undated = SNAPSHOT.matcher(model).replaceFirst("");
    return undated.equals(model) ? null : prices.get(Key.of(provider, undated));
  }

  public static PriceTable read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(file.toString(), in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read price table " + file + ": " + e.getMessage(), e);
    }
  }

  /** The vendored, dated list prices (resources {@code prices/list-prices.csv}, sources in {@code prices/SOURCE.md}). */
  public static PriceTable bundled() {
    try (InputStream in = PriceTable.class.getResourceAsStream(BUNDLED)) {
      return parse("list-prices.csv", in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled price table: " + e.getMessage(), e);
    }
  }

  /** Reads a price table; a malformed one fails naming {@code file:line: field 'name': what is wrong}. */
  public static PriceTable parse(String file, InputStream in) throws IOException {
    try (CsvRows rows = new CsvRows(in)) {
      List<String> header = rows.next();
      if (header == null) throw new IllegalArgumentException(file + ": empty; expected the header " + String.join(",", COLUMNS));
      header = header.stream().map(String::strip).toList();
      for (String column : COLUMNS) {
        if (!header.contains(column)) {
          throw new IllegalArgumentException(file + ":" + rows.rowLine() + ": no column `" + column + "` (the header must name "
              + String.join(",", COLUMNS) + ")");
        }
      }
      Map<Key, Price> prices = new HashMap<>();
      for (List<String> cells; (cells = rows.next()) != null; ) {
        Row row = new Row(file, rows.rowLine(), header, cells);
        Price price = new Price(row.price("input_per_1m_tokens"), row.price("output_per_1m_tokens"), row.currency(),
            row.optional(SOURCE, Path.of(file).getFileName().toString()), row.date(AS_OF));
        if (prices.putIfAbsent(Key.of(row.text("provider"), row.text("model")), price) != null) {
          throw row.bad("model", "`" + row.text("provider") + "` `" + row.text("model") + "` is priced twice");
        }
      }
      return new PriceTable(prices);
    }
  }

  /** One data row, read field by field with its place for error messages. */
  private record Row(String file, long line, List<String> header, List<String> cells) {
    Row {
      if (cells.size() != header.size()) {
        throw new IllegalArgumentException(file + ":" + line + ": expected " + header.size() + " fields, found " + cells.size());
      }
    }

    String text(String column) {
      String value = cells.get(header.indexOf(column)).strip();
      if (value.isEmpty()) throw bad(column, "empty");
      return value;
    }

    /** An optional column's value; {@code otherwise} when the table has no such column or the cell is empty. */
    String optional(String column, String otherwise) {
      int at = header.indexOf(column);
      String value = at < 0 ? "" : cells.get(at).strip();
      return value.isEmpty() ? otherwise : value;
    }

    String date(String column) {
      String value = optional(column, null);
      if (value == null) return null;
      try {
        return LocalDate.parse(value).toString();
      } catch (DateTimeParseException e) {
        throw bad(column, "expected a date YYYY-MM-DD, got `" + value + "`");
      }
    }

    BigDecimal price(String column) {
      String value = text(column);
      BigDecimal price;
      try {
        price = new BigDecimal(value);
      } catch (NumberFormatException e) {
        throw bad(column, "not a number: `" + value + "`");
      }
      if (price.signum() < 0) throw bad(column, "must be >= 0, got " + value);
      return price;
    }

    String currency() {
      String code = text("currency");
      try {
        if (code.length() == 3 && code.equals(code.toUpperCase(Locale.ROOT))) return Currency.getInstance(code).getCurrencyCode();
      } catch (IllegalArgumentException unknown) {
        // reported below with the rest
      }
      throw bad("currency", "expected an ISO 4217 code such as USD or EUR, got `" + code + "`");
    }

    IllegalArgumentException bad(String column, String reason) {
      return new IllegalArgumentException(file + ":" + line + ": field '" + column + "': " + reason);
    }
  }
}
