package io.jouletrace.cli;

import io.jouletrace.core.figure.Display;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.model.ModelMatch;
import io.jouletrace.core.record.InvocationRecord;

/** The text form of an estimate: each figure rounded to the precision its band allows, with its provenance. */
final class HumanReadable {

  private HumanReadable() {}

  static String of(InvocationRecord record, Estimate estimate) {
    var text = new StringBuilder();
    ModelMatch match = estimate.model();
    text.append(record.provider()).append('/').append(record.model());
    if (match != null) {
      text.append(" -> ").append(match.spec().provider()).append('/').append(match.spec().name())
          .append(" (").append(match.source()).append(", ").append(match.band().code()).append(')');
    }
    text.append("   methodology ").append(estimate.methodologyVersion()).append('\n');
    line(text, "energy", estimate.energy(), Energy.WH_PER_JOULE, "Wh");
    line(text, "carbon", estimate.carbon(), 1, "gCO2e");
    if (estimate.intensity() != null) {
      text.append(String.format("  %-16s%s gCO2e/kWh (%s)%n", "", Display.of(estimate.intensity().gramsPerKwh(), estimate.intensity().band()),
          estimate.intensity().source()));
    }
    line(text, "embodied carbon", estimate.embodiedCarbon(), 1, "gCO2e");
    line(text, "water", estimate.water(), 1, "L");
    estimate.nullReasons().forEach(r -> text.append("  null ").append(r.field()).append(": ").append(r.reason().code())
        .append(" - ").append(r.reason().message()).append('\n'));
    if (!estimate.warnings().isEmpty()) text.append("  warnings: ").append(String.join(", ", estimate.warnings())).append('\n');
    return text.toString().stripTrailing();
  }

  private static void line(StringBuilder text, String label, Figure figure, double scale, String unit) {
    if (!(figure instanceof Figure.Known known)) {
      text.append(String.format("  %-16sunknown%n", label));
      return;
    }
    Display.Shown shown = Display.of(known, scale);
    text.append(String.format("  %-16s%s %s  [%s - %s]  %s, %s%n", label, shown.value(), unit, shown.low(), shown.high(),
        known.tier().code(), known.band().code()));
  }
}
