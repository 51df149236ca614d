package io.trustfl.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * An immutable named list of examples.
 *
 * @param name e.g. "clinc150/train"
 * @param examples the examples, in file order
 */
public record Dataset(String name, List<Example> examples) {
  /** Copies the list; validates that no element is null. */
  public Dataset {
    Objects.requireNonNull(name, "name");
    examples = List.copyOf(examples);
  }

  /** Number of examples. */
  public int size() {
    return examples.size();
  }

  /** Whether there are no examples. */
  public boolean isEmpty() {
    return examples.isEmpty();
  }

  /** The distinct labels, sorted. */
  public List<String> labels() {
    return List.copyOf(new TreeSet<>(examples.stream().map(Example::label).collect(Collectors.toList())));
  }

  /** Count of examples per label, sorted by label. */
  public Map<String, Integer> labelCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Example e : examples) {
      counts.merge(e.label(), 1, Integer::sum);
    }
    return counts;
  }

  /** The texts, in order. */
  public List<String> texts() {
    return List.copyOf(examples.stream().map(Example::text).collect(Collectors.toList()));
  }

  /** The examples matching {@code keep}, under a new name. */
  public Dataset filter(String newName, Predicate<Example> keep) {
    return new Dataset(newName, examples.stream().filter(keep).collect(Collectors.toList()));
  }

  /**
   * Checks that every label is one of {@code allowed} (e.g. a bundle's labels).
   *
   * @throws IllegalArgumentException naming the first unknown label, how many examples carry unknown labels, and
   *     the fix
   */
  public void requireLabelsIn(Collection<String> allowed) {
    java.util.Set<String> set = new java.util.HashSet<>(allowed);
    List<String> unknown = new ArrayList<>();
    int bad = 0;
    for (Example e : examples) {
      if (!set.contains(e.label())) {
        bad++;
        if (unknown.size() < 5 && !unknown.contains(e.label())) {
          unknown.add(e.label());
        }
      }
    }
    if (bad > 0) {
      throw new IllegalArgumentException(name + ": " + bad + " examples have labels outside the model's "
          + allowed.size() + " classes, e.g. " + unknown + "; relabel them or use a model trained for these labels");
    }
  }
}
