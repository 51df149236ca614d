package io.trustfl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLINC150 and SNIPS loaders on the real files (counts from the data READMEs), and their error messages. */
class IntentDataTest {
  @Test
  void clinc150InScopeCounts() {
    DatasetSplits s = Clinc150.load(TestData.dir(), false);
    assertEquals(15_000, s.train().size());
    assertEquals(3_000, s.validation().size());
    assertEquals(4_500, s.test().size());
    assertEquals(150, s.train().labels().size());
    assertEquals(s.train().labels(), s.test().labels());
    assertFalse(s.train().labels().contains(Clinc150.OOS_LABEL));
    // 100 train, 20 val, 30 test per intent.
    assertEquals(Set.of(100), new HashSet<>(s.train().labelCounts().values()));
    assertEquals(Set.of(20), new HashSet<>(s.validation().labelCounts().values()));
    assertEquals(Set.of(30), new HashSet<>(s.test().labelCounts().values()));
  }

  @Test
  void clinc150WithOutOfScope() {
    DatasetSplits s = Clinc150.load(TestData.dir(), true);
    assertEquals(15_100, s.train().size());
    assertEquals(3_100, s.validation().size());
    assertEquals(5_500, s.test().size());
    assertEquals(151, s.train().labels().size());
  }

  @Test
  void snipsCountsAndSplit() {
    DatasetSplits s = Snips.load(TestData.dir());
    assertEquals(13_784 - 700, s.train().size());
    assertEquals(700, s.validation().size());
    assertEquals(700, s.test().size());
    assertEquals(Snips.INTENTS, s.train().labels());
    assertEquals(Set.of(100), new HashSet<>(s.validation().labelCounts().values()));
    assertEquals(Set.of(100), new HashSet<>(s.test().labelCounts().values()));
    // Validation is held out of train: no example object is in both (texts may repeat across the files).
    Set<Example> train = Set.copyOf(new HashSet<>(s.train().examples()));
    long overlapCount = s.validation().examples().stream().filter(train::contains).count();
    assertTrue(overlapCount < 5, "validation overlaps train in " + overlapCount + " identical examples");
    // Deterministic: loading twice gives the same split.
    assertEquals(s.validation().examples(), Snips.load(TestData.dir()).validation().examples());
  }

  @Test
  void snipsRecoversTheCesu8Emoji() {
    List<Example> playMusic = Snips.readFile(TestData.dir().resolve("snips/train_PlayMusic_full.json"),
        "PlayMusic");
    long withPizza = playMusic.stream().filter(e -> e.text().contains("\uD83C\uDF55")).count();
    long withReplacement = playMusic.stream().filter(e -> e.text().contains("\uFFFD")).count();
    assertEquals(1, withPizza);
    assertEquals(0, withReplacement);
  }

  @Test
  void snipsTextIsTheConcatenationOfChunks(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("validate_RateBook.json");
    Files.writeString(f, "{\"RateBook\": [{\"data\": [{\"text\": \"rate \"}, {\"text\": \"this book\", \"entity\":"
        + " \"object_select\"}, {\"text\": \" 5 stars\"}]}]}");
    assertEquals(List.of(new Example("rate this book 5 stars", "RateBook")), Snips.readFile(f, "RateBook"));
  }

  @Test
  void missingAndMalformedFilesNameTheProblem(@TempDir Path dir) throws IOException {
    MalformedDataException missing = assertThrows(MalformedDataException.class, () -> Clinc150.load(dir, false));
    assertTrue(missing.getMessage().contains("file not found"), missing.getMessage());
    assertTrue(missing.getMessage().contains("TRUSTFL_DATA_DIR"), missing.getMessage());

    Files.createDirectories(dir.resolve("clinc150"));
    Files.writeString(dir.resolve("clinc150/data_full.json"), "{\"train\": [[\"hi\", \"greet\"], [\"x\"]],"
        + " \"val\": [], \"test\": []}");
    MalformedDataException bad = assertThrows(MalformedDataException.class, () -> Clinc150.load(dir, false));
    assertTrue(bad.getMessage().contains("train[1] must be [text, intent]"), bad.getMessage());

    Files.writeString(dir.resolve("clinc150/data_full.json"), "{\"train\": [[\"hi\", \"greet\"]], \"val\": []}");
    MalformedDataException noTest = assertThrows(MalformedDataException.class, () -> Clinc150.load(dir, false));
    assertTrue(noTest.getMessage().contains("missing list 'test'"), noTest.getMessage());

    Files.writeString(dir.resolve("clinc150/data_full.json"), "{\"train\": [");
    MalformedDataException json = assertThrows(MalformedDataException.class, () -> Clinc150.load(dir, false));
    assertTrue(json.getMessage().contains("not valid JSON"), json.getMessage());
  }

  @Test
  void labelsOutsideTheModelAreRejectedWithCounts() {
    Dataset d = new Dataset("d", List.of(new Example("a", "x"), new Example("b", "y"), new Example("c", "z")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.requireLabelsIn(List.of("x")));
    assertTrue(e.getMessage().contains("2 examples have labels outside the model's 1 classes"), e.getMessage());
    d.requireLabelsIn(List.of("x", "y", "z"));
  }

  @Test
  void dataDirectoryResolution(@TempDir Path dir) throws IOException {
    Path shared = Files.createDirectories(dir.resolve("shared/data"));
    Path module = Files.createDirectories(dir.resolve("repo/sdk-java"));
    assertEquals(shared, DataDirectory.resolve(null, Map.of(), module));
    Path other = Files.createDirectories(dir.resolve("other"));
    assertEquals(other, DataDirectory.resolve(null, Map.of(DataDirectory.ENV, other.toString()), module));
    Path explicit = Files.createDirectories(dir.resolve("explicit"));
    assertEquals(explicit, DataDirectory.resolve(explicit.toString(), Map.of(DataDirectory.ENV, other.toString()),
        module));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DataDirectory.resolve(dir.resolve("nope").toString(), Map.of(), module));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }
}
