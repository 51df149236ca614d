package io.trustfl.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SNIPS NLU benchmark, 2017-06 custom intent engines (Coucke et al. 2018; sonos/nlu-benchmark, CC0): 7 intents,
 * {@code train_<Intent>_full.json} (13,784 utterances in all) and {@code validate_<Intent>.json} (100 each).
 *
 * <p>Splits: SNIPS has no separate test set; as is usual for intent classification, the 700 {@code validate_*}
 * utterances are the <em>test</em> split. The <em>validation</em> split is held out of the training files:
 * {@value #VALIDATION_PER_INTENT} utterances per intent, those with the smallest sha256("snips-val:" + text)
 * (ties by file order), so the split is deterministic, independent of file order and needs no RNG. Train keeps the
 * rest (13,084).
 *
 * <p>An utterance's text is the concatenation of its chunks' {@code text} fields, with surrounding whitespace
 * stripped (many utterances end in a space). {@code train_PlayMusic_full.json}
 * encodes one emoji as a CESU-8 surrogate pair (bytes {@code ED A0 BC ED BD 95}); such pairs are re-encoded as
 * standard UTF-8 before strict decoding, recovering the emoji instead of two replacement characters.
 */
public final class Snips {
  /** Directory name under the data directory. */
  public static final String DIRECTORY = "snips";
  /** The 7 intents, which are also the file name stems and the labels. */
  public static final List<String> INTENTS = List.of("AddToPlaylist", "BookRestaurant", "GetWeather", "PlayMusic",
      "RateBook", "SearchCreativeWork", "SearchScreeningEvent");
  /** Utterances per intent held out of the training files for validation. */
  public static final int VALIDATION_PER_INTENT = 100;

  private Snips() {}

  /**
   * Loads the splits from {@code <dataDir>/snips/}.
   *
   * @throws MalformedDataException if a file is missing or not in the SNIPS format
   */
  public static DatasetSplits load(Path dataDir) {
    Path dir = dataDir.resolve(DIRECTORY);
    List<Example> train = new ArrayList<>();
    List<Example> validation = new ArrayList<>();
    List<Example> test = new ArrayList<>();
    for (String intent : INTENTS) {
      List<Example> all = readFile(dir.resolve("train_" + intent + "_full.json"), intent);
      boolean[] held = holdOut(all, VALIDATION_PER_INTENT);
      for (int i = 0; i < all.size(); i++) {
        (held[i] ? validation : train).add(all.get(i));
      }
      test.addAll(readFile(dir.resolve("validate_" + intent + ".json"), intent));
    }
    return new DatasetSplits(new Dataset("snips/train", train), new Dataset("snips/validation", validation),
        new Dataset("snips/test", test));
  }

  private static boolean[] holdOut(List<Example> all, int count) {
    byte[][] keys = new byte[all.size()][];
    for (int i = 0; i < all.size(); i++) {
      keys[i] = sha256(("snips-val:" + all.get(i).text()).getBytes(StandardCharsets.UTF_8));
    }
    Integer[] order = new Integer[all.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer, byte[]>comparing(i -> keys[i], Snips::compareUnsigned)
        .thenComparing(i -> i));
    boolean[] held = new boolean[all.size()];
    for (int i = 0; i < Math.min(count, order.length); i++) {
      held[order[i]] = true;
    }
    return held;
  }

  /** Reads one SNIPS file whose top-level key must be {@code intent}. */
  static List<Example> readFile(Path file, String intent) {
    String json;
    try {
      json = decodeUtf8WithCesu8Pairs(file, Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new MalformedDataException(file, 0, "file not found; point --data or TRUSTFL_DATA_DIR at a directory"
          + " holding snips/ with the 7 train_<Intent>_full.json and validate_<Intent>.json files", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    JsonElement root;
    try {
      root = JsonParser.parseString(json);
    } catch (JsonParseException e) {
      throw new MalformedDataException(file, 0, "not valid JSON: " + e.getMessage(), e);
    }
    if (!root.isJsonObject() || !root.getAsJsonObject().has(intent)
        || !root.getAsJsonObject().get(intent).isJsonArray()) {
      throw new MalformedDataException(file, 0, "expected an object {\"" + intent + "\": [utterances]}");
    }
    JsonArray rows = root.getAsJsonObject().getAsJsonArray(intent);
    List<Example> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonElement row = rows.get(i);
      JsonElement data = row.isJsonObject() ? row.getAsJsonObject().get("data") : null;
      if (data == null || !data.isJsonArray()) {
        throw new MalformedDataException(file, 0, intent + "[" + i + "] has no \"data\" list of chunks");
      }
      StringBuilder text = new StringBuilder();
      for (JsonElement chunk : data.getAsJsonArray()) {
        JsonElement t = chunk.isJsonObject() ? ((JsonObject) chunk).get("text") : null;
        if (t == null || !t.isJsonPrimitive()) {
          throw new MalformedDataException(file, 0, intent + "[" + i + "] has a chunk without \"text\": " + chunk);
        }
        text.append(t.getAsString());
      }
      out.add(new Example(text.toString().trim(), intent));
    }
    return out;
  }

  /**
   * Decodes UTF-8 strictly after rewriting CESU-8 surrogate pairs (ED A0..AF xx ED B0..BF xx) as 4-byte UTF-8.
   *
   * @throws MalformedDataException if the bytes are not UTF-8 even then
   */
  static String decodeUtf8WithCesu8Pairs(Path file, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
    for (int i = 0; i < b.length; ) {
      if (i + 5 < b.length && (b[i] & 0xff) == 0xED && (b[i + 1] & 0xf0) == 0xA0 && (b[i + 3] & 0xff) == 0xED
          && (b[i + 4] & 0xf0) == 0xB0) {
        int hi = 0xD000 | (b[i + 1] & 0x3f) << 6 | (b[i + 2] & 0x3f);
        int lo = 0xD000 | (b[i + 4] & 0x3f) << 6 | (b[i + 5] & 0x3f);
        int cp = Character.toCodePoint((char) hi, (char) lo);
        byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(utf8, 0, utf8.length);
        i += 6;
      } else {
        out.write(b[i]);
        i++;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedDataException(file, 0, "not UTF-8 (" + e + ")", e);
    }
  }

  /** Arrays.compareUnsigned(byte[], byte[]) (Java 9) is not on Android API 26. */
  private static int compareUnsigned(byte[] a, byte[] b) {
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      int c = Integer.compare(a[i] & 0xff, b[i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
