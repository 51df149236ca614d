package io.trustfl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSONL and CSV loading of users' own data, and an error with the line number for each kind of malformed input. */
class TextDataLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private void assertFails(Path file, String expected) {
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> TextDataLoader.load(file));
    assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
  }

  @Test
  void jsonl() throws IOException {
    Path f = write("d.jsonl", "{\"text\": \"wake me at 7\", \"label\": \"alarm\", \"user\": \"u1\"}\n\n"
        + "{\"label\": \"weather\", \"text\": \"rain?\", \"extra\": 3}\n");
    Dataset d = TextDataLoader.load(f);
    assertEquals(List.of(new Example("wake me at 7", "alarm", "u1"), new Example("rain?", "weather")),
        d.examples());
  }

  @Test
  void jsonlErrorsNameTheLine() throws IOException {
    assertFails(write("a.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"}\n"),
        "a.jsonl:2: missing field \"label\"");
    assertFails(write("b.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n\n{\"text\": \"b\", \"label\": \n"),
        "b.jsonl:3: not a JSON object");
    assertFails(write("c.jsonl", "[1, 2]\n"), "c.jsonl:1: expected a JSON object");
    assertFails(write("d.jsonl", "{\"text\": 5, \"label\": \"x\"}\n"), "d.jsonl:1: field \"text\" must be a string");
    assertFails(write("e.jsonl", "{\"text\": \"a\", \"label\": \" \"}\n"), "e.jsonl:1: label is blank");
    assertFails(write("f.jsonl", "\n\n"), "holds no examples");
  }

  @Test
  void csvWithQuotesAndMultilineFields() throws IOException {
    Path f = write("d.csv", "\uFEFFlabel,text,user\r\nalarm,\"wake me, please\",u1\r\nquote,\"she said \"\"hi\"\"\","
        + "\r\nmulti,\"two\nlines\",u2\n");
    Dataset d = TextDataLoader.load(f);
    assertEquals(List.of(new Example("wake me, please", "alarm", "u1"), new Example("she said \"hi\"", "quote"),
        new Example("two\nlines", "multi", "u2")), d.examples());
  }

  @Test
  void csvErrorsNameTheLine() throws IOException {
    assertFails(write("a.csv", "text,label\nhello,greet\nhi,there,extra\n"),
        "a.csv:3: has 3 fields but the header has 2");
    assertFails(write("b.csv", "text,category\nhello,greet\n"), "b.csv:1: header [text, category] must name");
    assertFails(write("c.csv", "text,label\n\"open,greet\n"), "c.csv:2: quoted field opened here is never closed");
    assertFails(write("d.csv", "text,label\n\"a\"b,greet\n"), "d.csv:2: character 'b' after a closing quote");
    assertFails(write("e.csv", ""), "empty file");
    assertFails(write("f.csv", "text,label\n"), "holds no examples");
    assertFails(write("g.txt", "x"), "unknown format");
  }

  @Test
  void rejectsInvalidUtf8() throws IOException {
    Path f = dir.resolve("bad.jsonl");
    Files.write(f, new byte[] {'{', '"', (byte) 0xC3, '"', '}'});
    assertFails(f, "not UTF-8");
  }
}
