package io.jouletrace.ledger.report;

import io.jouletrace.ledger.ingest.CsvRows;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The user's prices per provider and model, which fill the FOCUS export's cost columns (docs/focus.md): a CSV file
 * with the header {@code provider,model,input_per_1m_tokens,output_per_1m_tokens,currency} (columns in any order),
 * prices per million tokens in an ISO 4217 currency. Provider and model match the recorded ones ignoring case. The
 * ledger has no prices of its own, so without a table every cost is unknown.
 */
public final class PriceTable {

  public static final List<String> COLUMNS = List.of("provider", "model", "input_per_1m_tokens", "output_per_1m_tokens", "currency");

  /** No prices: every cost is unknown. */
  public static final PriceTable NONE = new PriceTable(Map.of());

  /** A list price per million input and output tokens. */
  public record Price(BigDecimal inputPerMillionTokens, BigDecimal outputPerMillionTokens, String currency) {

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

  /** The price of a provider's model; null when the table has none. */
  public Price find(String provider, String model) {
    return prices.get(Key.of(provider, model));
  }

  public static PriceTable read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(file.toString(), in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read price table " + file + ": " + e.getMessage(), e);
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
        Price price = new Price(row.price("input_per_1m_tokens"), row.price("output_per_1m_tokens"), row.currency());
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
