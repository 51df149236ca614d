package io.trustfl.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CLINC150 (Larson et al., EMNLP-IJCNLP 2019; clinc/oos-eval, CC BY 3.0): 150 in-scope intents with 100 train, 20
 * validation and 30 test utterances each in {@code data_full.json}, plus out-of-scope utterances labelled
 * {@code oos} in {@code oos_train}, {@code oos_val}, {@code oos_test}.
 *
 * <p>File format: one JSON object whose keys name the parts and whose values are lists of {@code [text, intent]}.
 */
public final class Clinc150 {
  /** Directory name under the data directory. */
  public static final String DIRECTORY = "clinc150";
  /** The standard ("Full") file. */
  public static final String FULL_FILE = "data_full.json";
  /** Label of out-of-scope utterances. */
  public static final String OOS_LABEL = "oos";

  private Clinc150() {}

  /**
   * Loads {@code <dataDir>/clinc150/data_full.json}.
   *
   * @param dataDir the data directory (see {@link DataDirectory})
   * @param includeOutOfScope whether to append the {@code oos_*} parts (label {@value #OOS_LABEL}) to each split
   * @throws MalformedDataException if the file is missing or not in the CLINC150 format
   */
  public static DatasetSplits load(Path dataDir, boolean includeOutOfScope) {
    return loadFile(dataDir.resolve(DIRECTORY).resolve(FULL_FILE), includeOutOfScope);
  }

  /** Loads a CLINC150-format file ({@code data_full.json} or {@code data_small.json}) from an explicit path. */
  public static DatasetSplits loadFile(Path file, boolean includeOutOfScope) {
    JsonObject root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      JsonElement el = JsonParser.parseReader(r);
      if (!el.isJsonObject()) {
        throw new MalformedDataException(file, 0, "expected a JSON object with keys train/val/test, got "
            + kind(el));
      }
      root = el.getAsJsonObject();
    } catch (NoSuchFileException e) {
      throw new MalformedDataException(file, 0, "file not found; point --data or TRUSTFL_DATA_DIR at a directory"
          + " holding clinc150/" + FULL_FILE + ", or download it with DatasetDownloader", e);
    } catch (JsonParseException e) {
      throw new MalformedDataException(file, 0, "not valid JSON: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return new DatasetSplits(
        part(file, root, "train", includeOutOfScope ? "oos_train" : null),
        part(file, root, "val", includeOutOfScope ? "oos_val" : null),
        part(file, root, "test", includeOutOfScope ? "oos_test" : null));
  }

  private static Dataset part(Path file, JsonObject root, String key, String oosKey) {
    List<Example> out = new ArrayList<>();
    read(file, root, key, out);
    if (oosKey != null) {
      read(file, root, oosKey, out);
    }
    return new Dataset("clinc150/" + key + (oosKey != null ? "+oos" : ""), out);
  }

  private static void read(Path file, JsonObject root, String key, List<Example> out) {
    JsonElement part = root.get(key);
    if (part == null || !part.isJsonArray()) {
      throw new MalformedDataException(file, 0, "missing list '" + key + "' (CLINC150 files have train, val, test,"
          + " oos_train, oos_val, oos_test)");
    }
    JsonArray rows = part.getAsJsonArray();
    for (int i = 0; i < rows.size(); i++) {
      JsonElement row = rows.get(i);
      if (!row.isJsonArray() || row.getAsJsonArray().size() != 2
          || !isString(row.getAsJsonArray().get(0)) || !isString(row.getAsJsonArray().get(1))) {
        throw new MalformedDataException(file, 0, key + "[" + i + "] must be [text, intent] (two strings), got "
            + row);
      }
      String label = row.getAsJsonArray().get(1).getAsString();
      if (label.trim().isEmpty()) {
        throw new MalformedDataException(file, 0, key + "[" + i + "] has a blank intent");
      }
      out.add(new Example(row.getAsJsonArray().get(0).getAsString(), label));
    }
  }

  private static boolean isString(JsonElement e) {
    return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
  }

  static String kind(JsonElement el) {
    return el.isJsonArray() ? "an array" : el.isJsonNull() ? "null" : el.isJsonPrimitive() ? "a value" : "an object";
  }
}
