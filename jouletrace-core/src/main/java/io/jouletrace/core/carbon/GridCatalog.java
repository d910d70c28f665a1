package io.jouletrace.core.carbon;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.Optional;

/**
 * jouletrace's own grid data: annual intensity per country (and the world), cloud regions with the
 * intensity of the grid they draw from, and labels that stand for a weighted set of zones or regions.
 */
public final class GridCatalog implements AnnualIntensities {

  /** The code of the world average. */
  public static final String WORLD = "WOR";

  private final Map<String, AnnualIntensity> annualByZone;
  private final Map<String, CloudRegion> regionsByCode;
  private final Map<String, Label> labelsByName;

  public GridCatalog(List<AnnualIntensity> annual, List<CloudRegion> regions, List<Label> labels) {
    this.annualByZone = index(annual, AnnualIntensity::zone);
    this.regionsByCode = index(regions, CloudRegion::code);
    this.labelsByName = index(labels, Label::name);
  }

  private static <T> Map<String, T> index(List<T> rows, java.util.function.Function<T, String> key) {
    var map = new java.util.HashMap<String, T>();
    for (T row : rows) {
      String k = normaliseKey(key.apply(row));
      if (map.putIfAbsent(k, row) != null) {
        throw new IllegalArgumentException("duplicate grid entry " + k);
      }
    }
    return Map.copyOf(map);
  }

  private static String normaliseKey(String key) {
    return key.strip().toUpperCase(Locale.ROOT);
  }

  /** Zone codes are matched without regard to case: {@code fra} is France. */
  public static String normaliseZone(String zone) {
    return normaliseKey(zone);
  }

  @Override
  public Optional<AnnualIntensity> annual(String zone) {
    return Optional.ofNullable(annualByZone.get(normaliseKey(zone)));
  }

  /**
   * The key under which {@link IntensityResolver} asks a signal about {@code zone}: a country (ISO alpha-3, or an
   * Electricity Maps two-letter zone such as {@code DE}), the world, a cloud region or a label. Empty for anything
   * else, e.g. a sub-national grid zone ({@code US-CAL-CISO}), which stands for no single jouletrace zone.
   */
  public Optional<String> signalKey(String zone) {
    String key = normaliseKey(zone);
    if (annualByZone.containsKey(key)) return Optional.of(key);
    CloudRegion region = regionsByCode.get(key);
    if (region != null) return Optional.of(region.code());
    Label label = labelsByName.get(key);
    if (label != null) return Optional.of(label.name());
    if (key.matches("[A-Z]{2}")) {
      try {
        String alpha3 = Locale.of("", key).getISO3Country();
        if (annualByZone.containsKey(alpha3)) return Optional.of(alpha3);
      } catch (MissingResourceException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * A cloud region or a label, resolved to one intensity. A label's intensity is the weighted mean of
   * its members' intensities; its country is set only when all members lie in the same country.
   */
  public Optional<RegionIntensity> region(String regionOrLabel) {
    String key = normaliseKey(regionOrLabel);
    CloudRegion region = regionsByCode.get(key);
    if (region != null) {
      return Optional.of(new RegionIntensity(region.code(), region.gramsPerKwh(), region.country(), region.source()));
    }
    Label label = labelsByName.get(key);
    return label == null ? Optional.empty() : Optional.of(resolveLabel(label));
  }

  /** A label that is not part of this catalog (a deployment's custom region), resolved against its zones and regions. */
  public RegionIntensity resolve(Label label) {
    return resolveLabel(label);
  }

  private RegionIntensity resolveLabel(Label label) {
    double weighted = 0;
    double totalWeight = 0;
    String country = null;
    boolean oneCountry = true;
    for (Member member : label.members()) {
      MemberIntensity m = member(member.code(), label.name());
      weighted += member.weight() * m.gramsPerKwh();
      totalWeight += member.weight();
      if (country == null) country = m.country();
      else if (!country.equals(m.country())) oneCountry = false;
    }
    return new RegionIntensity(label.name(), weighted / totalWeight, oneCountry ? country : null,
        "label " + label.name() + " (" + label.weighting() + ")");
  }

  private MemberIntensity member(String code, String label) {
    CloudRegion region = regionsByCode.get(normaliseKey(code));
    if (region != null) {
      return new MemberIntensity(region.gramsPerKwh(), region.country());
    }
    AnnualIntensity annual = annualByZone.get(normaliseKey(code));
    if (annual != null) {
      return new MemberIntensity(annual.gramsPerKwh(), annual.zone());
    }
    throw new IllegalStateException("label " + label + " names " + code + ", which is neither a region nor a zone");
  }

  /** Checks that every label's members exist, so that a bad data file fails at start-up, not per call. */
  public GridCatalog validated() {
    labelsByName.values().forEach(this::resolveLabel);
    return this;
  }

  private record MemberIntensity(double gramsPerKwh, String country) {}

  /**
   * A cloud provider's region and the annual intensity of the grid it draws from.
   *
   * @param country ISO alpha-3 country of the region
   */
  public record CloudRegion(String provider, String code, String country, double gramsPerKwh, String source) {
    public CloudRegion {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(country, "country");
    }
  }

  /** A label standing for several zones or regions, with the weights it averages them by. */
  public record Label(String name, List<Member> members, String weighting) {
    public Label {
      if (members.isEmpty()) throw new IllegalArgumentException("label " + name + " has no members");
      members = List.copyOf(members);
    }
  }

  /** One zone or cloud region of a label and its weight (e.g. population). */
  public record Member(String code, double weight) {
    public Member {
      if (!(weight > 0)) throw new IllegalArgumentException("weight of " + code + " must be > 0, got " + weight);
    }
  }

  /** A region or label resolved to one intensity. */
  public record RegionIntensity(String name, double gramsPerKwh, String country, String source) {}
}
