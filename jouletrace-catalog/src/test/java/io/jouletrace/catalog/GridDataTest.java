package io.jouletrace.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.jouletrace.core.carbon.AnnualIntensities.AnnualIntensity;
import io.jouletrace.core.carbon.GridCatalog;
import io.jouletrace.core.carbon.GridCatalog.CloudRegion;
import io.jouletrace.core.carbon.GridCatalog.RegionIntensity;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bundled grid data against the reference files in the shared folder (read here independently
 * of the loader), and the loader's handling of bad files.
 */
class GridDataTest {

  private static final GridData.Loaded LOADED = GridData.bundledLoaded();
  private static final GridCatalog GRID = GridData.bundled();

  // ---- reference values, read straight from /work/shared/reference/grid -----------------------

  private record Latest(int year, double gramsPerKwh) {}

  /** OWID code -> its latest year and value. The entity name may hold commas, so fields are taken from the right. */
  private static Map<String, Latest> owidLatest() throws IOException {
    Map<String, Latest> latest = new HashMap<>();
    List<String> lines = Files.readAllLines(SharedData.path("reference/grid/owid-carbon-intensity-electricity.csv"), StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      String code = f[f.length - 3];
      var point = new Latest(Integer.parseInt(f[f.length - 2]), Double.parseDouble(f[f.length - 1]));
      latest.merge(code, point, (a, b) -> b.year() > a.year() ? b : a);
    }
    return latest;
  }

  private static List<Map<String, String>> gsfRows() throws IOException {
    CsvMapper mapper = new CsvMapper();
    try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader())
        .readValues(SharedData.path("reference/grid/gsf-cloud-region-metadata.csv").toFile())) {
      return it.readAll();
    }
  }

  /** The GSF row of the latest year with an Electricity Maps annual average, for one provider's region. */
  private static Map<String, String> gsfLatest(String provider, String region) throws IOException {
    return gsfRows().stream()
        .filter(r -> r.get("cloud-provider").equals(provider) && r.get("cloud-region").equals(region))
        .filter(r -> !r.get("grid-carbon-intensity-average-consumption-annual").isBlank())
        .max(Comparator.comparingInt(r -> Integer.parseInt(r.get("year"))))
        .orElseThrow();
  }

  // ---- annual intensities -------------------------------------------------------------------

  @Test
  void theReferenceReaderReadsWhatTheFileSays() throws IOException {
    // a hand-read anchor, so that the reader below cannot agree with the loader by sharing a mistake
    assertThat(owidLatest().get("FRA")).isEqualTo(new Latest(2024, 44.179085));
  }

  @ParameterizedTest
  @CsvSource({"FRA, FRA", "USA, USA", "WOR, OWID_WRL"})
  void annualIsTheOwidValueOfTheLatestYear(String zone, String owidCode) throws IOException {
    Latest expected = owidLatest().get(owidCode);

    AnnualIntensity annual = GRID.annual(zone).orElseThrow();

    assertThat(annual.zone()).isEqualTo(zone);
    assertThat(annual.gramsPerKwh()).isEqualTo(expected.gramsPerKwh());
    assertThat(annual.source())
        .isEqualTo("OWID carbon-intensity-electricity " + expected.year() + " (Ember, Energy Institute) " + zone);
  }

  @Test
  void everyIsoCountryOfTheFileAndTheWorldAreLoadedAndNoAggregate() throws IOException {
    Set<String> expected = owidLatest().keySet().stream()
        .filter(code -> !code.isEmpty() && !code.startsWith("OWID_"))
        .collect(Collectors.toSet());
    expected.add(GridCatalog.WORLD);

    assertThat(LOADED.annual()).extracting(AnnualIntensity::zone).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(GRID.annual("OWID_KOS")).isEmpty();
    assertThat(GRID.annual("OWID_WRL")).isEmpty();
    assertThat(LOADED.skipped()).anySatisfy(s -> assertThat(s).contains("Kosovo (OWID_KOS)", "ASEAN (Ember)"));
  }

  @Test
  void aCountryWhoseDataStopsEarlierKeepsItsOwnLatestYear() throws IOException {
    // Western Sahara's last OWID row is 2009: the source must say so rather than pass it off as 2024
    assertThat(owidLatest().get("ESH").year()).isEqualTo(2009);
    assertThat(GRID.annual("ESH").orElseThrow().source()).contains(" 2009 ");
  }

  // ---- cloud regions ------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
      "Amazon Web Services, AWS, us-east-1, USA",
      "Google Cloud, Google Cloud, europe-west1, BEL",
      "Microsoft Azure, Azure, eastus, USA"})
  void aRegionIsTheGsfAverageOfItsLatestYearInItsCountry(String gsfProvider, String provider, String code,
      String country) throws IOException {
    Map<String, String> expected = gsfLatest(gsfProvider, code);
    double grams = Double.parseDouble(expected.get("grid-carbon-intensity-average-consumption-annual"));

    RegionIntensity region = GRID.region(code).orElseThrow();

    assertThat(region.name()).isEqualTo(code);
    assertThat(region.gramsPerKwh()).isEqualTo(grams);
    assertThat(region.country()).isEqualTo(country);
    assertThat(region.source()).isEqualTo("GSF real-time-cloud " + expected.get("year")
        + " Electricity Maps annual average, " + provider + " " + code);
  }

  @Test
  void theLatestYearWinsOverEarlierOnes() throws IOException {
    // europe-west1 changed a lot between years (2023: 177.58, 2024: 103.37): the 2024 figure is the one used
    assertThat(gsfLatest("Google Cloud", "europe-west1").get("year")).isEqualTo("2024");
    assertThat(GRID.region("europe-west1").orElseThrow().gramsPerKwh()).isEqualTo(103.37);
  }

  @Test
  void azureNorthEuropeIsIrelandThoughTheFileAlsoHasAFinlandRowForTheSameYear() {
    RegionIntensity northEurope = GRID.region("northeurope").orElseThrow();

    assertThat(northEurope.country()).isEqualTo("IRL");
    assertThat(northEurope.gramsPerKwh()).isEqualTo(403.4);
    assertThat(LOADED.skipped()).anySatisfy(s -> assertThat(s).contains("northeurope", "line 152", "kept zone IE"));
  }

  @Test
  void aRegionWithoutAnAverageInAnyYearFallsBackToGridCarbonIntensityAndSaysSo() {
    RegionIntensity mexico = GRID.region("mexicocentral").orElseThrow();

    assertThat(mexico.gramsPerKwh()).isEqualTo(422.0);
    assertThat(mexico.country()).isEqualTo("MEX");
    assertThat(mexico.source()).startsWith("GSF real-time-cloud 2022 grid-carbon-intensity (WattTime marginal");
  }

  @Test
  void regionsWithoutAZoneOrAnIntensityAreSkippedAndListed() {
    for (String code : List.of("ca-west-1", "cn-north-1", "cn-northwest-1", "westus3", "westcentralus",
        "europe-north2", "europe-west10", "northamerica-south1", "us-east2")) {
      assertThat(GRID.region(code)).as(code).isEmpty();
      assertThat(LOADED.skipped()).as(code).anySatisfy(s -> assertThat(s).contains(" " + code, GridData.GSF_FILE));
    }
  }

  @Test
  void everyRegionLiesInACountryOfTheAnnualTable() {
    assertThat(LOADED.regions()).allSatisfy(r -> assertThat(GRID.annual(r.country())).as(r.code()).isPresent());
    assertThat(LOADED.regions()).extracting(CloudRegion::provider).containsOnly("AWS", "Google Cloud", "Azure");
  }

  // ---- labels -------------------------------------------------------------------------------

  @Test
  void euWestIsThePopulationWeightedMeanOfItsCountries() throws IOException {
    Map<String, Latest> owid = owidLatest();
    // weights: 2023 population in millions (World Bank SP.POP.TOTL, rounded), as in zone-labels.csv
    // (5.26 IRL + 68.35 GBR + 68.17 FRA + 11.82 BEL + 17.88 NLD) / (5.26 + 68.35 + 68.17 + 11.82 + 17.88 = 171.48)
    // with the 2024 OWID values: (5.26 * 279.70218 + 68.35 * 210.89114 + 68.17 * 44.179085 + 11.82 * 117.57641
    //   + 17.88 * 253.31152) / 171.48 = 24816.294 / 171.48 = 144.718
    double weighted = 5.26 * owid.get("IRL").gramsPerKwh() + 68.35 * owid.get("GBR").gramsPerKwh()
        + 68.17 * owid.get("FRA").gramsPerKwh() + 11.82 * owid.get("BEL").gramsPerKwh()
        + 17.88 * owid.get("NLD").gramsPerKwh();
    double expected = weighted / 171.48;

    RegionIntensity euWest = GRID.region("eu-west").orElseThrow();

    assertThat(euWest.gramsPerKwh()).isCloseTo(expected, within(1e-9));
    assertThat(euWest.gramsPerKwh()).isCloseTo(144.718, within(0.001));
    assertThat(euWest.country()).as("members in five countries").isNull();
    assertThat(euWest.source()).isEqualTo("label eu-west (population-weighted mean of IRL, GBR, FRA, BEL, NLD; "
        + "weights: World Bank SP.POP.TOTL, 2023, millions, rounded to 0.01)");
  }

  @Test
  void usWestIsTheEqualWeightMeanOfTwoAwsRegions() throws IOException {
    double west1 = Double.parseDouble(gsfLatest("Amazon Web Services", "us-west-1").get("grid-carbon-intensity-average-consumption-annual"));
    double west2 = Double.parseDouble(gsfLatest("Amazon Web Services", "us-west-2").get("grid-carbon-intensity-average-consumption-annual"));

    RegionIntensity usWest = GRID.region("us-west").orElseThrow();

    // (261.28 + 119.76) / 2 = 190.52
    assertThat(usWest.gramsPerKwh()).isCloseTo((west1 + west2) / 2, within(1e-9));
    assertThat(usWest.country()).as("both regions in the US").isEqualTo("USA");
    assertThat(usWest.source()).isEqualTo("label us-west (equal-weight mean of us-west-1, us-west-2)");
  }

  @Test
  void singleMemberLabelsAreTheirMember() {
    assertThat(GRID.region("world").orElseThrow().gramsPerKwh()).isEqualTo(GRID.annual("WOR").orElseThrow().gramsPerKwh());
    assertThat(GRID.region("india").orElseThrow().gramsPerKwh()).isEqualTo(GRID.annual("IND").orElseThrow().gramsPerKwh());
    assertThat(LOADED.labels()).extracting(GridCatalog.Label::name)
        .containsExactly("us-east", "us-west", "eu-west", "eu-north", "eu-central", "india", "world");
  }

  // ---- lookup -------------------------------------------------------------------------------

  @Test
  void lookupIgnoresCase() {
    assertThat(GRID.annual("fra").orElseThrow().zone()).isEqualTo("FRA");
    assertThat(GRID.region("US-EAST-1").orElseThrow().name()).isEqualTo("us-east-1");
    assertThat(GRID.region("EU-North").orElseThrow().name()).isEqualTo("eu-north");
    assertThat(GRID.region("eu-north").orElseThrow().gramsPerKwh())
        .isEqualTo(GRID.region("EU-North").orElseThrow().gramsPerKwh());
  }

  @Test
  void theBundledCatalogIsLoadedOnce() {
    assertThat(GridData.bundled()).isSameAs(GridData.bundled());
  }

  // ---- bad files ----------------------------------------------------------------------------

  @Nested
  class BadData {

    private static final String OWID = """
        Entity,Code,Year,Carbon intensity of electricity - gCO2/kWh
        World,OWID_WRL,2024,473
        France,FRA,2024,44
        United States,USA,2024,383
        """;
    private static final String GSF_HEADER =
        "year,cloud-provider,cloud-region,em-zone-id,grid-carbon-intensity-average-consumption-annual,grid-carbon-intensity\n";
    private static final String LABELS_HEADER = "label,member,weight,weight_source\n";

    private static GridData.Loaded read(String owid, String gsf, String labels) {
      return GridData.read(new StringReader(owid), new StringReader(gsf), new StringReader(labels));
    }

    @Test
    void aValueThatIsNotANumberNamesFileLineAndColumn() {
      String owid = OWID.replace("France,FRA,2024,44", "France,FRA,2024,n/a");

      assertThatThrownBy(() -> read(owid, GSF_HEADER, LABELS_HEADER))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("owid-carbon-intensity-electricity.csv, line 3, column 4 "
              + "(Carbon intensity of electricity - gCO2/kWh): not a number: `n/a`");
    }

    @Test
    void brokenQuotingNamesFileLineAndColumn() {
      String gsf = GSF_HEADER + "2024,Amazon Web Services,us-east-1,US-MIDA-PJM,396.25,\n"
          + "2024,\"Google Cloud\"x,europe-west1,BE,103.37,\n";

      assertThatThrownBy(() -> read(OWID, gsf, LABELS_HEADER))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("gsf-cloud-region-metadata.csv, line 3, column ")
          .hasMessageContaining("malformed CSV in the row starting on line 3");
    }

    @Test
    void aShortRowNamesTheMissingColumn() {
      String gsf = GSF_HEADER + "2024,Amazon Web Services,us-east-1,US-MIDA-PJM\n";

      assertThatThrownBy(() -> read(OWID, gsf, LABELS_HEADER))
          .hasMessage("gsf-cloud-region-metadata.csv, line 2, column 5 (grid-carbon-intensity-average-consumption-annual): "
              + "missing; the row has 4 fields, the header 6");
    }

    @Test
    void aMissingColumnIsNamed() {
      assertThatThrownBy(() -> read(OWID, GSF_HEADER, "label,member,weight\n"))
          .hasMessageStartingWith("zone-labels.csv, line 1: no column `weight_source`");
    }

    @Test
    void aLabelMemberThatIsNeitherRegionNorZoneNamesItsLine() {
      String labels = LABELS_HEADER + "eu,FRA,68.17,population: test\neu,ATLANTIS,1,population: test\n";

      assertThatThrownBy(() -> read(OWID, GSF_HEADER, labels))
          .hasMessage("zone-labels.csv, line 3, column 2 (member): `ATLANTIS` is neither a cloud region nor a zone");
    }

    @Test
    void aLabelMayNotMixWeightSources() {
      String labels = LABELS_HEADER + "eu,FRA,68.17,population: one\neu,USA,1,population: another\n";

      assertThatThrownBy(() -> read(OWID, GSF_HEADER, labels))
          .hasMessageStartingWith("zone-labels.csv, line 3, column 4 (weight_source): label eu has one weight source");
    }

    @Test
    void aNegativeIntensityIsRefused() {
      String owid = OWID.replace("France,FRA,2024,44", "France,FRA,2024,-1");

      assertThatThrownBy(() -> read(owid, GSF_HEADER, LABELS_HEADER))
          .hasMessageContaining("line 3, column 4").hasMessageContaining("cannot be negative");
    }

    @Test
    void twoDifferentRowsForTheSameRegionAndYearFailUnlessAChoiceIsDocumented() {
      String gsf = GSF_HEADER + "2024,Google Cloud,europe-west1,BE,103.37,\n2024,Google Cloud,europe-west1,FR,16.3,\n";

      assertThatThrownBy(() -> read(OWID, gsf, LABELS_HEADER))
          .hasMessageStartingWith("gsf-cloud-region-metadata.csv, line 2, column 3 (cloud-region): "
              + "Google Cloud europe-west1 has 2 different rows for 2024 (line 2 zone `BE` 103.37, line 3 zone `FR` 16.3)");
    }

    @Test
    void aRegionCodeUsedByTwoProvidersKeepsTheFirstAndSaysSo() {
      String gsf = GSF_HEADER + "2024,Google Cloud,shared-1,FR,16.3,\n2023,Microsoft Azure,shared-1,US-MIDA-PJM,396.25,\n";

      GridData.Loaded loaded = read(OWID, gsf, LABELS_HEADER);

      assertThat(loaded.regions()).singleElement().satisfies(r -> {
        assertThat(r.provider()).isEqualTo("Google Cloud");
        assertThat(r.country()).isEqualTo("FRA");
      });
      assertThat(loaded.skipped()).anySatisfy(s -> assertThat(s).contains("Azure shared-1", "already Google Cloud's"));
    }

    @Test
    void aRegionInACountryWithoutAnnualDataIsSkipped() {
      String gsf = GSF_HEADER + "2024,Amazon Web Services,ap-northeast-1,JP-TK,536.06,\n";

      GridData.Loaded loaded = read(OWID, gsf, LABELS_HEADER);

      assertThat(loaded.regions()).isEmpty();
      assertThat(loaded.skipped()).singleElement().asString().contains("ap-northeast-1", "JPN", "not in");
    }
  }
}
