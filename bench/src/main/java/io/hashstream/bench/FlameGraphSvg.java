package io.hashstream.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders collapsed stacks as a flame graph in SVG: the format the issue asks to keep in the
 * repository, which async-profiler 4 no longer writes (its flame graphs are HTML).
 *
 * <pre>{@code
 * java -cp ... io.hashstream.bench.FlameGraphSvg STACKS.collapsed OUTPUT.svg TITLE
 * }</pre>
 *
 * <p>The input is one stack per line, {@code frame;frame;...;leaf count}, root first: what
 * async-profiler's {@code collapsed} output (and Brendan Gregg's {@code stackcollapse} scripts)
 * write. With async-profiler's {@code threads} option the first frame names the thread. The output
 * is a classic flame graph: the root at the bottom, each frame as wide as the samples under it,
 * callees stacked above their caller in alphabetical order (so the x axis is not time), every frame
 * with a tooltip ({@code <title>}: name, samples, share of all samples). Colours tell the kind of
 * frame from async-profiler's suffixes and the frame's name, in async-profiler's own palette:
 * green Java (compiled), aqua inlined, pale green interpreted, yellow the JVM's C++, red other
 * native code, orange the kernel. A frame's shade is taken from its name, so the same function has
 * the same colour in every graph and a graph made twice from the same stacks is the same file.
 * Frames narrower than {@value #MIN_WIDTH} px are left out (their samples still count in their
 * callers' widths); no script, so it renders as a plain image too.
 */
public final class FlameGraphSvg {
  static final double WIDTH = 1200;
  static final double MIN_WIDTH = 0.3;
  private static final double PAD = 10;
  private static final double FRAME_HEIGHT = 16;
  private static final double TOP = 52;
  private static final double BOTTOM = 34;
  private static final double FONT_SIZE = 11;
  /** The advance of one character of a monospace font at {@link #FONT_SIZE}, about. */
  private static final double CHAR_WIDTH = FONT_SIZE * 0.6;

  /** What a frame is, from its suffix and name; each with its colour range and legend text. */
  enum Kind {
    THREAD(0xc8c8c8, 0x10, 0x10, 0x10, "thread"),
    JAVA(0x50e150, 0x30, 0x30, 0x30, "Java (JIT-compiled)"),
    INLINED(0x50cccc, 0x30, 0x30, 0x30, "Java, inlined"),
    INTERPRETED(0xb2e1b2, 0x14, 0x14, 0x14, "Java, interpreted or C1"),
    VM(0xc8c83c, 0x1e, 0x1e, 0x0a, "JVM (C++)"),
    NATIVE(0xe15a5a, 0x1e, 0x28, 0x28, "native (C library, JVM stubs)"),
    KERNEL(0xe17d00, 0x1e, 0x1e, 0x00, "kernel");

    private final int base;
    private final int red;
    private final int green;
    private final int blue;
    final String legend;

    Kind(int base, int red, int green, int blue, String legend) {
      this.base = base;
      this.red = red;
      this.green = green;
      this.blue = blue;
      this.legend = legend;
    }

    /** The base colour plus a share {@code v} (0 to 1) of each channel's range. */
    String color(double v) {
      int r = Math.min(255, (base >> 16 & 0xff) + (int) (red * v));
      int g = Math.min(255, (base >> 8 & 0xff) + (int) (green * v));
      int b = Math.min(255, (base & 0xff) + (int) (blue * v));
      return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }
  }

  /** A frame of the merged tree: the samples of every stack through it. */
  static final class Node {
    final String frame;
    long samples;
    /** By frame name: callees in alphabetical order, as flame graphs draw them. */
    final Map<String, Node> children = new TreeMap<>();

    Node(String frame) {
      this.frame = frame;
    }

    Node child(String name) {
      return children.computeIfAbsent(name, Node::new);
    }
  }

  private FlameGraphSvg() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: FlameGraphSvg STACKS.collapsed OUTPUT.svg TITLE");
      System.exit(2);
    }
    Node root = read(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8));
    Files.writeString(Path.of(args[1]), render(root, args[2]), StandardCharsets.UTF_8);
    System.out.println("wrote " + args[1] + " (" + root.samples + " samples)");
  }

  /** Merges collapsed stacks into one tree under a root frame {@code all}. */
  static Node read(List<String> lines) {
    Node root = new Node("all");
    for (String line : lines) {
      int space = line.lastIndexOf(' ');
      if (line.isBlank() || space <= 0) {
        continue;
      }
      long samples;
      try {
        samples = Long.parseLong(line.substring(space + 1).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a collapsed stack (no sample count): " + line, e);
      }
      root.samples += samples;
      Node node = root;
      for (String frame : line.substring(0, space).split(";", -1)) {
        node = node.child(frame);
        node.samples += samples;
      }
    }
    return root;
  }

  /** async-profiler's suffixes first ({@code _[j]}, {@code _[k]}, ...), then the name's form. */
  static Kind kind(String frame) {
    if (frame.endsWith("_[k]")) {
      return Kind.KERNEL;
    }
    if (frame.endsWith("_[j]")) {
      return Kind.JAVA;
    }
    if (frame.endsWith("_[i]")) {
      return Kind.INLINED;
    }
    if (frame.endsWith("_[0]") || frame.endsWith("_[1]")) {
      return Kind.INTERPRETED;
    }
    if (frame.startsWith("[") && frame.endsWith("]")) {
      return Kind.THREAD;
    }
    if (frame.contains("::")) {
      return Kind.VM;
    }
    // A Java method: package/Class.method or package.Class.method, no spaces, no library name.
    int dot = frame.lastIndexOf('.');
    if ((frame.indexOf('/') > 0 || dot > 0) && !frame.contains(" ") && !frame.endsWith(".so")) {
      return Kind.JAVA;
    }
    return Kind.NATIVE;
  }

  /** The frame's name without async-profiler's kind suffix. */
  static String name(String frame) {
    int length = frame.length();
    if (length > 4 && frame.charAt(length - 4) == '_' && frame.charAt(length - 3) == '['
        && frame.charAt(length - 1) == ']') {
      return frame.substring(0, length - 4);
    }
    return frame;
  }

  static String render(Node root, String title) {
    int depth = depth(root);
    double height = TOP + depth * FRAME_HEIGHT + BOTTOM;
    double scale = root.samples == 0 ? 0 : (WIDTH - 2 * PAD) / root.samples;
    StringBuilder svg = new StringBuilder(1 << 20);
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n")
        .append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\""
                    + " height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"monospace\""
                    + " font-size=\"%.0f\">%n",
                WIDTH,
                height,
                WIDTH,
                height,
                FONT_SIZE))
        .append("<rect width=\"100%\" height=\"100%\" fill=\"#f8f8f8\"/>\n")
        .append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.0f\" y=\"22\" text-anchor=\"middle\" font-size=\"16\">%s</text>%n",
                WIDTH / 2,
                escape(title)))
        .append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.0f\" y=\"40\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
                WIDTH / 2,
                escape(
                    String.format(
                        Locale.ROOT,
                        "%,d samples; a frame's width is its share of them, callees above callers"
                            + " in alphabetical order; hover for details",
                        root.samples))));
    frames(svg, root, 0, PAD, height - BOTTOM, scale, root.samples);
    legend(svg, height - 12);
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static int depth(Node node) {
    int deepest = 0;
    for (Node child : node.children.values()) {
      deepest = Math.max(deepest, depth(child));
    }
    return deepest + 1;
  }

  /** The frame {@code node} at {@code level} (0 at the bottom) from {@code x}, then its callees. */
  private static void frames(
      StringBuilder svg, Node node, int level, double x, double base, double scale, long total) {
    double width = node.samples * scale;
    double y = base - (level + 1) * FRAME_HEIGHT;
    Kind kind = level == 0 ? Kind.THREAD : kind(node.frame);
    String name = name(node.frame);
    svg.append(
            String.format(
                Locale.ROOT,
                "<g><title>%s (%,d samples, %.2f%%)</title>",
                escape(name),
                node.samples,
                100.0 * node.samples / total))
        .append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" rx=\"2\" fill=\"%s\"/>",
                x,
                y,
                width,
                FRAME_HEIGHT - 1,
                kind.color(shade(name))));
    int fits = (int) ((width - 6) / CHAR_WIDTH);
    if (fits >= 3) {
      String text = name.length() <= fits ? name : name.substring(0, fits - 2) + "..";
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%.1f\">%s</text>",
              x + 3,
              y + FRAME_HEIGHT - 4.5,
              escape(text)));
    }
    svg.append("</g>\n");
    double childX = x;
    for (Node child : node.children.values()) {
      double childWidth = child.samples * scale;
      if (childWidth >= MIN_WIDTH) {
        frames(svg, child, level + 1, childX, base, scale, total);
      }
      childX += childWidth;
    }
  }

  /** A shade from 0 to 1 that depends on the name only: stable across graphs and runs. */
  private static double shade(String name) {
    int hash = 0;
    for (int i = 0; i < name.length(); i++) {
      hash = hash * 31 + name.charAt(i);
    }
    // Spread the bits (the low bits of a string hash vary little between similar names).
    hash ^= hash >>> 16;
    hash *= 0x45d9f3b;
    hash ^= hash >>> 16;
    return (hash & 0xffff) / 65535.0;
  }

  private static void legend(StringBuilder svg, double y) {
    double x = PAD;
    for (Kind kind : Kind.values()) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\"/>"
                  + "<text x=\"%.0f\" y=\"%.0f\">%s</text>%n",
              x,
              y - 10,
              kind.color(0.5),
              x + 16,
              y,
              escape(kind.legend)));
      x += 16 + kind.legend.length() * CHAR_WIDTH + 18;
    }
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        default -> {
          // XML 1.0 allows no control characters but tab, newline and carriage return.
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            out.append('?');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
