package io.hashstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportTest {
  @Test
  void replacesOnlyTheResultsSection() {
    String text = "# Reliability\n\nbefore\n" + Report.BEGIN + "\nold rows\n" + Report.END + "\nafter\n";
    String section = Report.BEGIN + "\nnew rows\n" + Report.END;
    assertThat(Report.replaceResults(text, section))
        .isEqualTo("# Reliability\n\nbefore\n" + Report.BEGIN + "\nnew rows\n" + Report.END + "\nafter\n");
    assertThat(Report.replaceResults("# Reliability\n", section)).isEqualTo("# Reliability\n\n" + section + "\n");
  }
}
