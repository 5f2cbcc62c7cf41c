package dev.thinly.bench.tool;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders the plots the runner describes in JSON, one PNG each, so the suite needs nothing beyond
 * the JDK to draw. A spec is an object or an array of objects:
 *
 * <pre>
 * {"file": "docs/benchmarks/x.png", "title": "...", "xLabel": "...", "yLabel": "...",
 *  "kind": "line" | "bar", "logX": false, "logY": false,
 *  "series": [{"name": "thinly", "x": [1, 16], "y": [30.1, 30.4]}]}
 * </pre>
 *
 * For bars, {@code x} holds category names.
 *
 * <pre>spec=FILE.json</pre>
 */
final class Plot {
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
    new Color(0x9467bd), new Color(0x8c564b)
  };

  private Plot() {}

  static void run(Args a) throws IOException {
    Path spec = a.path("spec");
    a.checkAllUsed();
    JsonNode root = JsonMapper.builder().build().readTree(Files.readAllBytes(spec));
    List<JsonNode> plots = new ArrayList<>();
    if (root.isArray()) {
      root.forEach(plots::add);
    } else {
      plots.add(root);
    }
    for (JsonNode p : plots) {
      Path file = Path.of(p.get("file").asString());
      Files.createDirectories(file.toAbsolutePath().getParent());
      Chart<?, ?> chart = "bar".equals(p.path("kind").asString("line")) ? bar(p) : line(p);
      BitmapEncoder.saveBitmapWithDPI(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG, 110);
      Out.progress("wrote %s", file);
    }
  }

  private static XYChart line(JsonNode p) {
    XYChart c =
        new XYChartBuilder()
            .width(820)
            .height(480)
            .title(p.path("title").asString(""))
            .xAxisTitle(p.path("xLabel").asString(""))
            .yAxisTitle(p.path("yLabel").asString(""))
            .build();
    style(c.getStyler());
    c.getStyler().setXAxisLogarithmic(p.path("logX").asBoolean(false));
    c.getStyler().setYAxisLogarithmic(p.path("logY").asBoolean(false));
    if (p.has("yMin")) {
      c.getStyler().setYAxisMin(p.get("yMin").asDouble());
    }
    c.getStyler().setMarkerSize(7);
    int i = 0;
    for (JsonNode s : p.get("series")) {
      double[] x = doubles(s.get("x"));
      double[] y = doubles(s.get("y"));
      var series = c.addSeries(s.get("name").asString(), x, y);
      series.setMarker(SeriesMarkers.CIRCLE);
      series.setLineColor(COLORS[i % COLORS.length]);
      series.setMarkerColor(COLORS[i % COLORS.length]);
      i++;
    }
    return c;
  }

  private static CategoryChart bar(JsonNode p) {
    CategoryChart c =
        new CategoryChartBuilder()
            .width(820)
            .height(480)
            .title(p.path("title").asString(""))
            .xAxisTitle(p.path("xLabel").asString(""))
            .yAxisTitle(p.path("yLabel").asString(""))
            .build();
    style(c.getStyler());
    c.getStyler().setYAxisLogarithmic(p.path("logY").asBoolean(false));
    c.getStyler().setSeriesColors(COLORS);
    for (JsonNode s : p.get("series")) {
      List<String> x = new ArrayList<>();
      s.get("x").forEach(v -> x.add(v.asString()));
      List<Double> y = new ArrayList<>();
      s.get("y").forEach(v -> y.add(v.asDouble()));
      c.addSeries(s.get("name").asString(), x, y);
    }
    return c;
  }

  private static void style(Styler s) {
    s.setLegendPosition(Styler.LegendPosition.InsideNW);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setChartTitleBoxVisible(false);
    s.setLegendBorderColor(new Color(0xcccccc));
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }
}
