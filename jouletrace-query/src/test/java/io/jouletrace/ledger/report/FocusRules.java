package io.jouletrace.ledger.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.ledger.ingest.CsvRows;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The column rules of FOCUS 1.2 that the export relies on, from the specification's {@code columns/*.md} and
 * {@code attributes/*.md} at tag v1.2 (github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec), written independently of
 * {@link FocusExport} to check what it writes. Messages quote the specification's requirement; where the FinOps
 * Foundation focus_validator's rule id is known (the ones issue 22 reported), it is named below:
 *
 * <ul>
 *   <li>presence: every mandatory column (columns/*.md "MUST be present in a FOCUS dataset"), and the recommended
 *       ChargeFrequency, InvoiceId, ServiceSubcategory ({@code CostAndUsage-D-027-O}, {@code -D-033-O}, {@code -D-042-O});
 *   <li>nullability: "BilledCost MUST NOT be null" ({@code BilledCost-C-003-M}), the same for BillingCurrency,
 *       ContractedCost, EffectiveCost, ListCost and the other columns whose constraints table says "Allows nulls: False";
 *       "PricingQuantity MUST NOT be null when ChargeCategory is "Usage" … and ChargeClass is not "Correction"";
 *       "PricingUnit MUST be null when PricingQuantity is null" and "MUST NOT be null when PricingQuantity is not null";
 *   <li>types: Decimal columns "MUST be of type Decimal" ({@code PricingQuantity-C-001-M}: "DECIMAL, DOUBLE, or FLOAT"),
 *       written with a decimal point so a CSV reader types them so; NumericFormat (no grouping, no symbols, E notation
 *       only); DateTimeFormat {@code YYYY-MM-DDTHH:mm:ssZ}; CurrencyFormat (ISO 4217);
 *   <li>allowed values: ChargeCategory, ChargeClass, ChargeFrequency ("MUST NOT be "Usage-Based" when ChargeCategory is
 *       "Purchase""), ServiceCategory, ServiceSubcategory ("MUST have one and only one parent ServiceCategory");
 *   <li>ColumnNaming: custom columns {@code x_} + PascalCase, at most 50 characters, after the FOCUS ones.
 * </ul>
 */
final class FocusRules {

  enum Type { DECIMAL, STRING, DATE_TIME, JSON }

  private record Rule(Type type, boolean nullable) {}

  /** The mandatory columns of FOCUS 1.2 in the specification's order, with their type and whether nulls are allowed. */
  static final Map<String, Rule> MANDATORY = new LinkedHashMap<>();
  /** Recommended columns (CostAndUsage-D-027-O ChargeFrequency, -D-033-O InvoiceId, -D-042-O ServiceSubcategory). */
  static final Map<String, Rule> RECOMMENDED = new LinkedHashMap<>();
  /** Recommended and conditional columns the export may carry. */
  static final Map<String, Rule> CONDITIONAL = new LinkedHashMap<>();

  static {
    mandatory("BilledCost", Type.DECIMAL, false);
    mandatory("BillingAccountId", Type.STRING, false);
    mandatory("BillingAccountName", Type.STRING, true);
    mandatory("BillingCurrency", Type.STRING, false);
    mandatory("BillingPeriodStart", Type.DATE_TIME, false);
    mandatory("BillingPeriodEnd", Type.DATE_TIME, false);
    mandatory("ChargeCategory", Type.STRING, false);
    mandatory("ChargeClass", Type.STRING, true);
    mandatory("ChargeDescription", Type.STRING, true);
    mandatory("ChargePeriodStart", Type.DATE_TIME, false);
    mandatory("ChargePeriodEnd", Type.DATE_TIME, false);
    mandatory("ContractedCost", Type.DECIMAL, false);
    mandatory("EffectiveCost", Type.DECIMAL, false);
    mandatory("InvoiceIssuerName", Type.STRING, false);
    mandatory("ListCost", Type.DECIMAL, false);
    mandatory("PricingQuantity", Type.DECIMAL, true);
    mandatory("PricingUnit", Type.STRING, true);
    mandatory("ProviderName", Type.STRING, false);
    mandatory("PublisherName", Type.STRING, false);
    mandatory("ServiceCategory", Type.STRING, false);
    mandatory("ServiceName", Type.STRING, false);
    RECOMMENDED.put("ChargeFrequency", new Rule(Type.STRING, false));
    RECOMMENDED.put("InvoiceId", new Rule(Type.STRING, true));
    RECOMMENDED.put("ServiceSubcategory", new Rule(Type.STRING, false));
    CONDITIONAL.putAll(RECOMMENDED);
    for (String decimal : List.of("ConsumedQuantity", "ListUnitPrice", "ContractedUnitPrice")) CONDITIONAL.put(decimal, new Rule(Type.DECIMAL, true));
    for (String text : List.of("ConsumedUnit", "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType", "SkuId", "SkuPriceId",
        "SkuMeter", "SubAccountId", "SubAccountName", "SubAccountType", "PricingCategory", "BillingAccountType")) {
      CONDITIONAL.put(text, new Rule(Type.STRING, true));
    }
    for (String json : List.of("Tags", "SkuPriceDetails")) CONDITIONAL.put(json, new Rule(Type.JSON, true));
  }

  private static void mandatory(String name, Type type, boolean nullable) {
    MANDATORY.put(name, new Rule(type, nullable));
  }

  private static final Set<String> CHARGE_FREQUENCIES = Set.of("One-Time", "Recurring", "Usage-Based");
  /** ServiceSubcategory's allowed values under AI and Machine Learning (each has that one parent). */
  private static final Set<String> AI_SUBCATEGORIES = Set.of("AI Platforms", "Bots", "Generative AI", "Machine Learning",
      "Natural Language Processing", "Other (AI and Machine Learning)");
  private static final Set<String> CHARGE_CATEGORIES = Set.of("Usage", "Purchase", "Tax", "Credit", "Adjustment");
  private static final Set<String> SERVICE_CATEGORIES = Set.of("AI and Machine Learning", "Analytics", "Business Applications", "Compute",
      "Databases", "Developer Tools", "Multicloud", "Identity", "Integration", "Internet of Things", "Management and Governance", "Media",
      "Migration", "Mobile", "Networking", "Security", "Storage", "Web", "Other");
  /** Plain decimal or E-notation: no thousands separators, no currency symbol, no leading +. */
  private static final Pattern DECIMAL = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE]-?\\d+)?");
  private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  private static final Pattern CUSTOM = Pattern.compile("x_[A-Z][A-Za-z0-9]*");
  private static final Pattern PASCAL = Pattern.compile("[A-Z][A-Za-z0-9]*");
  private static final int MAX_NAME = 50;
  private static final ObjectMapper JSON_PARSER = new ObjectMapper();

  private FocusRules() {}

  /**
   * Everything in {@code csv} that breaks a rule, each naming the line and column; empty when it is valid.
   *
   * @param decimalCustomColumns the x_ columns that hold numbers (decimals, checked like FOCUS decimals)
   */
  static List<String> violations(String csv, Set<String> decimalCustomColumns) {
    List<String> out = new ArrayList<>();
    try (CsvRows rows = new CsvRows(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)))) {
      List<String> header = rows.next();
      if (header == null) return List.of("empty file");
      header(header, decimalCustomColumns, out);
      for (List<String> cells; (cells = rows.next()) != null; ) {
        String at = "line " + rows.rowLine() + ": ";
        if (cells.size() != header.size()) {
          out.add(at + cells.size() + " fields, header has " + header.size());
          continue;
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) row.put(header.get(i), cells.get(i).isEmpty() ? null : cells.get(i));
        row(row, decimalCustomColumns, at, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void header(List<String> header, Set<String> decimalCustomColumns, List<String> out) {
    List<String> mandatory = List.copyOf(MANDATORY.keySet());
    if (header.size() < mandatory.size() || !header.subList(0, mandatory.size()).equals(mandatory)) {
      out.add("header: the mandatory columns must come first, in order " + mandatory + "; got " + header);
    }
    for (String name : mandatory) {
      if (!header.contains(name)) out.add("header: " + name + " MUST be present in a FOCUS dataset");
    }
    for (String name : RECOMMENDED.keySet()) {
      if (!header.contains(name)) out.add("header: " + name + " is RECOMMENDED to be present in a FOCUS dataset");
    }
    Set<String> seen = new HashSet<>();
    boolean customSeen = false;
    for (String name : header) {
      if (!seen.add(name)) out.add("header: `" + name + "` twice");
      if (name.length() > MAX_NAME) out.add("header: `" + name + "` is longer than " + MAX_NAME + " characters");
      if (name.startsWith("x_")) {
        customSeen = true;
        if (!CUSTOM.matcher(name).matches()) out.add("header: custom column `" + name + "` is not x_ + PascalCase");
      } else if (customSeen) {
        out.add("header: FOCUS column `" + name + "` after a custom column");
      } else if (!MANDATORY.containsKey(name) && !CONDITIONAL.containsKey(name)) {
        out.add("header: `" + name + "` is neither a FOCUS column this validator knows nor x_-prefixed");
      } else if (!PASCAL.matcher(name).matches()) {
        out.add("header: `" + name + "` is not PascalCase");
      }
    }
    for (String decimal : decimalCustomColumns) {
      if (!header.contains(decimal)) out.add("header: no column `" + decimal + "`");
    }
  }

  private static void row(Map<String, String> row, Set<String> decimalCustomColumns, String at, List<String> out) {
    row.forEach((name, value) -> {
      boolean focus = MANDATORY.containsKey(name) || CONDITIONAL.containsKey(name);
      Rule rule = MANDATORY.containsKey(name) ? MANDATORY.get(name) : CONDITIONAL.get(name);
      if (rule == null) rule = new Rule(decimalCustomColumns.contains(name) ? Type.DECIMAL : Type.STRING, true);
      if (value == null) {
        if (!rule.nullable()) out.add(at + name + " MUST NOT be null: " + name + " is null");
        return;
      }
      switch (rule.type()) {
        case DECIMAL -> {
          if (!DECIMAL.matcher(value).matches()) out.add(at + name + " is not a FOCUS decimal: `" + value + "`");
          else if (focus && !value.contains(".")) out.add(at + name + " MUST be of type Decimal: `" + value + "` reads as an integer");
        }
        case DATE_TIME -> {
          if (!DATE_TIME.matcher(value).matches()) out.add(at + name + " is not YYYY-MM-DDTHH:mm:ssZ: `" + value + "`");
        }
        case JSON -> {
          try {
            if (!JSON_PARSER.readTree(value).isObject()) out.add(at + name + " is not a JSON object");
          } catch (IOException e) {
            out.add(at + name + " is not JSON: `" + value + "`");
          }
        }
        case STRING -> { }
      }
    });
    String category = row.get("ChargeCategory");
    if (category != null && !CHARGE_CATEGORIES.contains(category)) out.add(at + "ChargeCategory `" + category + "` is not allowed");
    String chargeClass = row.get("ChargeClass");
    if (chargeClass != null && !chargeClass.equals("Correction")) out.add(at + "ChargeClass `" + chargeClass + "` is not allowed");
    String service = row.get("ServiceCategory");
    if (service != null && !SERVICE_CATEGORIES.contains(service)) out.add(at + "ServiceCategory `" + service + "` is not allowed");
    String subcategory = row.get("ServiceSubcategory");
    if (subcategory != null && !("AI and Machine Learning".equals(service) && AI_SUBCATEGORIES.contains(subcategory))) {
      out.add(at + "ServiceSubcategory `" + subcategory + "` is not an allowed value under ServiceCategory `" + service + "`");
    }
    String frequency = row.get("ChargeFrequency");
    if (frequency != null && !CHARGE_FREQUENCIES.contains(frequency)) out.add(at + "ChargeFrequency `" + frequency + "` is not allowed");
    if ("Usage-Based".equals(frequency) && "Purchase".equals(category)) out.add(at + "ChargeFrequency MUST NOT be Usage-Based for a Purchase");
    boolean correction = "Correction".equals(chargeClass);
    if (row.containsKey("PricingQuantity") && row.get("PricingQuantity") == null && !correction
        && ("Usage".equals(category) || "Purchase".equals(category))) {
      out.add(at + "PricingQuantity MUST NOT be null when ChargeCategory is Usage or Purchase");
    }
    String currency = row.get("BillingCurrency");
    if (currency != null && !currency.matches("[A-Z]{3}")) out.add(at + "BillingCurrency `" + currency + "` is not ISO 4217");
    if ((row.get("PricingQuantity") == null) != (row.get("PricingUnit") == null)) {
      out.add(at + "PricingUnit must be null exactly when PricingQuantity is");
    }
    periods(row, at, out);
  }

  /** The charge period is not empty and lies inside the billing period. */
  private static void periods(Map<String, String> row, String at, List<String> out) {
    Instant billingStart = instant(row.get("BillingPeriodStart"));
    Instant billingEnd = instant(row.get("BillingPeriodEnd"));
    Instant chargeStart = instant(row.get("ChargePeriodStart"));
    Instant chargeEnd = instant(row.get("ChargePeriodEnd"));
    if (billingStart == null || billingEnd == null || chargeStart == null || chargeEnd == null) return; // reported above
    if (!chargeStart.isBefore(chargeEnd)) out.add(at + "ChargePeriodStart must be before ChargePeriodEnd");
    if (!billingStart.isBefore(billingEnd)) out.add(at + "BillingPeriodStart must be before BillingPeriodEnd");
    if (chargeStart.isBefore(billingStart) || chargeEnd.isAfter(billingEnd)) out.add(at + "the charge period is not inside the billing period");
  }

  private static Instant instant(String value) {
    if (value == null || !DATE_TIME.matcher(value).matches()) return null;
    return Instant.parse(value);
  }
}
