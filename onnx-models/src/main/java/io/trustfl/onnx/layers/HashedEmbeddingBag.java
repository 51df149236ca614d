package io.trustfl.onnx.layers;

import io.trustfl.onnx.graph.ElementType;
import io.trustfl.onnx.graph.GraphBuilder;
import io.trustfl.onnx.graph.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mean-pooled bag of hashed n-gram embeddings (fastText's input layer). Inputs: {@code ids} int64 {@code [B, L]}
 * (bucket ids in {@code [0, buckets)}) and {@code mask} real {@code [B, L]} (token weights, 0 for padding). With
 * {@code n_b = max(Σ_t m_bt, 1e-12)} and {@code p_bt = m_bt / n_b}: {@code pooled_b = Σ_t p_bt·E[id_bt]}.
 *
 * <p>Backward: {@code ∇E = Σ_b Σ_t p_bt·e_{id_bt}·δ_bᵀ} (a ScatterND with reduction "add" of {@code p_bt·δ_b} into a
 * zero {@code [V, D]} table); the "input" gradient is taken with respect to the soft weights:
 * {@code ∂/∂m_bt = (E[id_bt]·δ_b − pooled_b·δ_b) / n_b} (valid where {@code Σ_t m_bt > 1e-12}).
 *
 * <p>Ghost norm: example b's table gradient has row {@code id} equal to {@code (Σ_{t: id_bt = id} p_bt)·δ_b}, so
 * {@code ‖∇E_b‖² = ‖δ_b‖²·Σ_id (Σ_{t: id_bt = id} p_bt)² = ‖δ_b‖²·Σ_{t,s} p_bt·p_bs·[id_bt = id_bs]}: repeated ids
 * (and hash collisions) count with their summed weight. It is computed from the {@code [B, L, L]} pairwise equality
 * of ids, never from a per-example {@code [V, D]} gradient.
 */
public final class HashedEmbeddingBag implements Layer {
  private final String table;
  private final long buckets;
  private final long dim;

  /**
   * A bag whose table is initialized {@code U(−1/dim, 1/dim)} (fastText's initialization).
   *
   * @param table the table's parameter name, shape {@code [buckets, dim]}
   * @param buckets number of hash buckets V, &gt; 0
   * @param dim embedding width D, &gt; 0
   */
  public HashedEmbeddingBag(String table, long buckets, long dim) {
    if (buckets <= 0 || dim <= 0) {
      throw new IllegalArgumentException("buckets and dim must be > 0, got buckets=" + buckets + ", dim=" + dim);
    }
    this.table = table;
    this.buckets = buckets;
    this.dim = dim;
  }

  @Override
  public List<ParameterDef> parameters() {
    return List.of(new ParameterDef(table, List.of(buckets, dim), Init.uniform(1.0 / dim)));
  }

  @Override
  public int inputArity() {
    return 2;
  }

  @Override
  public long outputWidth() {
    return dim;
  }

  @Override
  public LayerForward forward(GraphBuilder g, List<String> inputs) {
    String ids = inputs.get(0);
    String mask = inputs.get(1);
    String n = g.node(Op.MAX, "n", g.reduceSum(mask, true, 1), g.scalar(1e-12)); // [B, 1]
    String p = g.div(mask, n); // [B, L]
    String emb = g.node(Op.GATHER, "emb", Map.of("axis", 0L), table, ids); // [B, L, D]
    String pooled = g.squeeze(g.matMul(g.unsqueeze(p, 1), emb), 1); // [B, D]
    return new LayerForward() {
      @Override
      public String output() {
        return pooled;
      }

      @Override
      public String inputGradient(GraphBuilder gb, String delta) {
        String s = gb.squeeze(gb.matMul(emb, gb.unsqueeze(delta, 2)), 2); // [B, L] = E[id_bt]·δ_b
        String r = gb.reduceSum(gb.mul(pooled, delta), true, 1); // [B, 1] = pooled_b·δ_b
        return gb.div(gb.sub(s, r), n);
      }

      @Override
      public Optional<String> ghostSquaredNorm(GraphBuilder gb, String delta) {
        String same = gb.cast(gb.node(Op.EQUAL, "same", gb.unsqueeze(ids, 2), gb.unsqueeze(ids, 1)), gb.real());
        String pp = gb.mul(gb.unsqueeze(p, 2), gb.unsqueeze(p, 1)); // [B, L, L]
        String counts = gb.reduceSum(gb.mul(same, pp), false, 1, 2); // [B] = Σ_id (Σ_t p_bt)²
        return Optional.of(gb.mul(counts, gb.reduceSumSquare(delta, false, 1)));
      }

      @Override
      public Map<String, String> parameterGradients(GraphBuilder gb, String delta) {
        String updates = gb.mul(gb.unsqueeze(p, 2), gb.unsqueeze(delta, 1)); // [B, L, D]
        String grad = gb.node(Op.SCATTER_ND, "grad_table", Map.of("reduction", "add"), gb.zerosLike(table),
            gb.unsqueeze(ids, 2), updates);
        Map<String, String> grads = new LinkedHashMap<>();
        grads.put(table, grad);
        return grads;
      }
    };
  }

  /** Element type of the ids input. */
  public static ElementType idType() {
    return ElementType.INT64;
  }
}
