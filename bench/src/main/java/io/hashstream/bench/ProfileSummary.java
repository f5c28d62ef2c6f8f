package io.hashstream.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the samples of a profile went, from async-profiler's collapsed stacks ({@code
 * frame;frame;... count} per line, the first frame the thread as {@code threads} names it): each
 * stack is put in the first {@link Category} that matches one of its frames, and the leaf frames
 * that took the most samples are listed.
 */
public final class ProfileSummary {
  /** The categories, in the order a stack is matched against them. */
  enum Category {
    SHA(
        "SHA-256 compression: the JDK's intrinsic stubs (`sha256_implCompressMB`,"
            + " `sha256_implCompress`)",
        "sha256_implCompress",
        "SHA2.implCompress",
        "DigestBase.implCompressMultiBlock"),
    COPY_TO_HEAP("copy native read buffer → heap array (`MemorySegment.copy`)", "arraycopy"),
    PREAD("`pread`: the kernel copies the page cache into the native buffer", "__x64_sys_pread64"),
    OPENAT2("`openat2(O_PATH)` beneath the root", "__x64_sys_openat2"),
    REOPEN(
        "reopen for reading through `/proc/self/fd` (`openat(procfd, \"N\")`)",
        "__x64_sys_openat_"),
    STATX("`statx` before and after the read", "__x64_sys_statx"),
    CLOSE("`close` (the `O_PATH` and the read descriptor)", "__x64_sys_close"),
    SYSCALL_ENTRY(
        "system call entry and exit, C library wrappers, FFM downcall stubs",
        "do_syscall_64",
        "entry_SYSCALL",
        "syscall_exit",
        "DowncallLinker",
        "LambdaForm$MH",
        "__pread64",
        "__GI___libc_open",
        ";__openat",
        "__close",
        ";syscall",
        ";statx",
        "__errno_location"),
    OTHER_MAIN(
        "other work of the hashing thread (Java code of the opener and `FileHashing`, allocation)",
        "[main"),
    OTHER_THREADS("other threads (JIT compilers, GC, the profiler itself)", "");

    private final String label;

    /** Any of the frames' names, as a literal part of the stack. */
    private final Pattern frames;

    Category(String label, String... frames) {
      this.label = label;
      List<String> quoted = new ArrayList<>();
      for (String frame : frames) {
        quoted.add(Pattern.quote(frame));
      }
      this.frames = Pattern.compile(String.join("|", quoted));
    }

    boolean matches(String stack) {
      return frames.matcher(stack).find();
    }
  }

  private final Map<Category, Long> categories = new LinkedHashMap<>();
  private final Map<String, Long> leaves = new HashMap<>();
  private long total;

  private ProfileSummary() {
    for (Category category : Category.values()) {
      categories.put(category, 0L);
    }
  }

  static ProfileSummary read(Path collapsed) throws IOException {
    ProfileSummary summary = new ProfileSummary();
    for (String line : Files.readAllLines(collapsed, StandardCharsets.UTF_8)) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      long samples = Long.parseLong(line.substring(space + 1).strip());
      String stack = line.substring(0, space);
      summary.total += samples;
      for (Category category : Category.values()) {
        if (category.matches(stack)) {
          summary.categories.merge(category, samples, Long::sum);
          break;
        }
      }
      String leaf = stack.substring(stack.lastIndexOf(';') + 1);
      summary.leaves.merge(leaf, samples, Long::sum);
    }
    return summary;
  }

  long total() {
    return total;
  }

  /** A Markdown table of the categories and the top leaf frames. */
  String markdown(int topLeaves) {
    StringBuilder out = new StringBuilder();
    out.append("| where the samples went | share |\n| --- | ---: |\n");
    for (Map.Entry<Category, Long> entry : categories.entrySet()) {
      out.append("| ")
          .append(entry.getKey().label)
          .append(" | ")
          .append(percent(entry.getValue()))
          .append(" |\n");
    }
    out.append("\nTop frames by own samples: ");
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(leaves.entrySet());
    sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
    List<String> top = new ArrayList<>();
    for (Map.Entry<String, Long> entry : sorted.subList(0, Math.min(topLeaves, sorted.size()))) {
      top.add("`" + entry.getKey() + "` " + percent(entry.getValue()));
    }
    out.append(String.join(", ", top)).append(".\n");
    return out.toString();
  }

  private String percent(long samples) {
    return String.format(Locale.ROOT, "%.1f%%", total == 0 ? 0.0 : 100.0 * samples / total);
  }

  /** Prints the summary of the collapsed stacks in {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    System.out.print(read(Path.of(args[0])).markdown(8));
  }
}
