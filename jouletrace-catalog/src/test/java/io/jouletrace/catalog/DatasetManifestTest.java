package io.jouletrace.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A vendored data file cannot change without a new dataset id: datasets.csv holds each file's sha256, and
 * dataset-releases.csv (test resources, append-only) every release ever shipped, so editing a file and its manifest
 * row in place, without bumping the id's revision, fails here.
 */
class DatasetManifestTest {

  private static final Path RESOURCES = Path.of("src/main/resources/io/jouletrace/catalog");

  @Test
  void every_vendored_file_matches_the_sha256_its_dataset_id_names() throws IOException {
    List<String> changed = new ArrayList<>();
    for (List<String> row : Datasets.manifest()) {
      try (InputStream in = Datasets.class.getResourceAsStream("/io/jouletrace/catalog/" + row.get(1))) {
        assertThat(in).as(row.get(1)).isNotNull();
        String actual = Datasets.sha256(in.readAllBytes());
        if (!actual.equals(row.get(2))) {
          changed.add(row.get(1) + " has sha256 " + actual + ", dataset " + row.get(0) + " names " + row.get(2)
              + ": give the file a new dataset id (bump the revision) and add the release to dataset-releases.csv");
        }
      }
    }
    assertThat(changed).isEmpty();
  }

  @Test
  void every_vendored_data_file_has_a_dataset_id() throws IOException {
    Set<String> listed = Datasets.manifest().stream().map(row -> row.get(1)).collect(Collectors.toCollection(TreeSet::new));
    try (Stream<Path> files = Files.walk(RESOURCES)) {
      Set<String> vendored = files.filter(Files::isRegularFile).map(p -> RESOURCES.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.endsWith("SOURCE.md") && !p.contains("LICENSE") && !p.equals("datasets.csv"))
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(listed).isEqualTo(vendored);
    }
  }

  @Test
  void a_dataset_id_keeps_the_release_it_shipped_with() throws IOException {
    Map<String, String> released = new LinkedHashMap<>();
    try (InputStream in = DatasetManifestTest.class.getResourceAsStream("dataset-releases.csv")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      text.lines().skip(1).filter(line -> !line.isBlank()).forEach(line -> {
        String[] fields = line.split(",");
        assertThat(released.put(fields[0], fields[1])).as("%s released twice", fields[0]).isNull();
      });
    }
    Set<String> ids = Datasets.manifest().stream().map(row -> row.get(0)).collect(Collectors.toCollection(TreeSet::new));
    for (String id : ids) {
      String current = Datasets.release(id.substring(0, id.lastIndexOf('.')));
      assertThat(released).as("release of %s (append it to dataset-releases.csv)", id).containsKey(id);
      assertThat(current).as("dataset %s was released as %s; a changed file needs a new id", id, released.get(id))
          .isEqualTo(id + "@" + released.get(id));
    }
  }

  @Test
  void a_figure_names_its_methodologys_datasets_and_the_grid_data() {
    assertThat(Datasets.forMethodology("ecologits-0.9.1")).isEqualTo(
        "ecologits-0.9.1-models.1@da8971ce9e32,ecologits-0.9.1-mixes.1@ac20b9777483,grid-owid.1@d7f2ad55a8c2,"
            + "grid-gsf.1@2ae0c172a332,grid-labels.1@e41fd9cdcd5b");
    assertThat(Datasets.forMethodology(Catalog.AIENERGYSCORE_VERSION)).startsWith(Catalog.AIENERGYSCORE_VERSION + ".1@");
    assertThat(Datasets.forMethodology("measured-1")).isNull();
  }
}
