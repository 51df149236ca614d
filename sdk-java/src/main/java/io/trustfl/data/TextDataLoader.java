package io.trustfl.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads users' own labelled texts from UTF-8 files, one example per record, with fields {@code text}, {@code label}
 * and optionally {@code user}. Every malformed record is reported with its file, line number and what is wrong;
 * nothing is skipped silently.
 *
 * <ul>
 *   <li>JSONL ({@code .jsonl}, {@code .ndjson}): one JSON object per line, e.g.
 *       {@code {"text": "wake me at 7", "label": "alarm", "user": "u17"}}; blank lines are skipped; other keys are
 *       ignored.</li>
 *   <li>CSV ({@code .csv}): RFC 4180 (comma separator, double-quoted fields, {@code ""} for a quote inside quotes,
 *       quoted fields may span lines); the first record is a header naming the columns, in any order, and must
 *       contain {@code text} and {@code label}; an empty {@code user} field means no user.</li>
 * </ul>
 */
public final class TextDataLoader {
  private TextDataLoader() {}

  /**
   * Loads a file by its extension ({@code .jsonl}, {@code .ndjson} or {@code .csv}).
   *
   * @throws MalformedDataException on an unknown extension, a missing file, a malformed record or an empty file
   */
  public static Dataset load(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return readJsonl(file);
    }
    if (name.endsWith(".csv")) {
      return readCsv(file);
    }
    throw new MalformedDataException(file, 0, "unknown format; use a .jsonl, .ndjson or .csv file");
  }

  /** Loads a JSONL file (see the class description). */
  public static Dataset readJsonl(Path file) {
    List<Example> out = new ArrayList<>();
    try (BufferedReader r = strictReader(file)) {
      String line;
      long n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.trim().isEmpty()) {
          continue;
        }
        JsonElement el;
        try {
          el = JsonParser.parseString(line);
        } catch (JsonParseException e) {
          throw new MalformedDataException(file, n, "not a JSON object: " + e.getMessage(), e);
        }
        if (!el.isJsonObject()) {
          throw new MalformedDataException(file, n, "expected a JSON object with \"text\" and \"label\", got "
              + Clinc150.kind(el));
        }
        JsonObject o = el.getAsJsonObject();
        String text = stringField(file, n, o, "text", true);
        String label = stringField(file, n, o, "label", true);
        String user = stringField(file, n, o, "user", false);
        out.add(example(file, n, text, label, user));
      }
    } catch (CharacterCodingException e) {
      throw new MalformedDataException(file, 0, "not UTF-8: " + e, e);
    } catch (NoSuchFileException e) {
      throw new MalformedDataException(file, 0, "file not found", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return finish(file, out);
  }

  private static String stringField(Path file, long line, JsonObject o, String key, boolean required) {
    JsonElement v = o.get(key);
    if (v == null || v.isJsonNull()) {
      if (required) {
        throw new MalformedDataException(file, line, "missing field \"" + key + "\"");
      }
      return null;
    }
    if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
      throw new MalformedDataException(file, line, "field \"" + key + "\" must be a string, got " + v);
    }
    return v.getAsString();
  }

  /** Loads a CSV file (see the class description). */
  public static Dataset readCsv(Path file) {
    List<Example> out = new ArrayList<>();
    try (BufferedReader r = strictReader(file)) {
      CsvReader csv = new CsvReader(file, r);
      List<String> header = csv.next();
      if (header == null) {
        throw new MalformedDataException(file, 0, "empty file; expected a header with text,label[,user]");
      }
      int text = header.indexOf("text");
      int label = header.indexOf("label");
      int user = header.indexOf("user");
      if (text < 0 || label < 0) {
        throw new MalformedDataException(file, 1, "header " + header + " must name the columns text and label");
      }
      List<String> row;
      while (true) {
        long line = csv.line() + 1;
        row = csv.next();
        if (row == null) {
          break;
        }
        if (row.size() == 1 && row.get(0).isEmpty()) {
          continue;
        }
        if (row.size() != header.size()) {
          throw new MalformedDataException(file, line, "has " + row.size() + " fields but the header has "
              + header.size() + " " + header + "; quote fields that contain commas");
        }
        String u = user >= 0 && !row.get(user).isEmpty() ? row.get(user) : null;
        out.add(example(file, line, row.get(text), row.get(label), u));
      }
    } catch (CharacterCodingException e) {
      throw new MalformedDataException(file, 0, "not UTF-8: " + e, e);
    } catch (NoSuchFileException e) {
      throw new MalformedDataException(file, 0, "file not found", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return finish(file, out);
  }

  private static Example example(Path file, long line, String text, String label, String user) {
    if (label.trim().isEmpty()) {
      throw new MalformedDataException(file, line, "label is blank");
    }
    return new Example(text, label, user);
  }

  private static Dataset finish(Path file, List<Example> out) {
    if (out.isEmpty()) {
      throw new MalformedDataException(file, 0, "holds no examples");
    }
    return new Dataset(file.getFileName().toString(), out);
  }

  private static BufferedReader strictReader(Path file) throws IOException {
    return new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
  }

  /** RFC 4180 record reader that tracks line numbers. */
  private static final class CsvReader {
    private final Path file;
    private final BufferedReader in;
    private long line;

    CsvReader(Path file, BufferedReader in) {
      this.file = file;
      this.in = in;
    }

    /** Lines consumed so far. */
    long line() {
      return line;
    }

    /** The next record, or null at end of input. */
    List<String> next() throws IOException {
      String l = in.readLine();
      if (l == null) {
        return null;
      }
      line++;
      long start = line;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean afterQuote = false;
      int i = 0;
      if (!l.isEmpty() && l.charAt(0) == '\uFEFF' && start == 1) {
        i = 1;
      }
      while (true) {
        if (i == l.length()) {
          if (quoted) {
            String more = in.readLine();
            if (more == null) {
              throw new MalformedDataException(file, start, "quoted field opened here is never closed");
            }
            line++;
            field.append('\n');
            l = more;
            i = 0;
            continue;
          }
          fields.add(field.toString());
          return fields;
        }
        char c = l.charAt(i++);
        if (quoted) {
          if (c == '"') {
            if (i < l.length() && l.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              quoted = false;
              afterQuote = true;
            }
          } else {
            field.append(c);
          }
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
          afterQuote = false;
        } else if (afterQuote) {
          throw new MalformedDataException(file, line, "character '" + c + "' after a closing quote; a quoted field"
              + " must end at a comma or the end of the line");
        } else if (c == '"') {
          if (field.length() > 0) {
            throw new MalformedDataException(file, line, "quote inside an unquoted field; quote the whole field and"
                + " double the inner quotes");
          }
          quoted = true;
        } else {
          field.append(c);
        }
      }
    }
  }
}
