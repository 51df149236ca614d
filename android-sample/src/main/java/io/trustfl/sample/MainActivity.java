package io.trustfl.sample;

import android.app.Activity;
import android.os.Bundle;
import android.view.ViewGroup;
import android.widget.Button;
import android.widget.EditText;
import android.widget.LinearLayout;
import android.widget.ScrollView;
import android.widget.TextView;
import io.trustfl.client.ExampleStore;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The sample's screen: type a sentence, see the on-device model's intent, confirm the right intent (the model's
 * top three, one tap each) to store the example; below, the store's size against its cap, the privacy budget spent
 * on this device, and the last federated round with its fairness probe. Built in code (no layout resources).
 *
 * <p>The model and the store are opened off the main thread; every model call runs on a worker thread.
 */
public final class MainActivity extends Activity {
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private EditText input;
  private TextView prediction;
  private LinearLayout choices;
  private TextView status;
  private volatile SampleComponents components;

  @Override
  protected void onCreate(Bundle savedInstanceState) {
    super.onCreate(savedInstanceState);
    LinearLayout root = new LinearLayout(this);
    root.setOrientation(LinearLayout.VERTICAL);
    int pad = (int) (16 * getResources().getDisplayMetrics().density);
    root.setPadding(pad, pad, pad, pad);
    input = new EditText(this);
    input.setHint("Type a request, e.g. \"wake me up at 7\"");
    root.addView(input, matchWidth());
    Button classify = new Button(this);
    classify.setText("Classify on this device");
    classify.setOnClickListener(v -> classify(input.getText().toString()));
    root.addView(classify, matchWidth());
    prediction = new TextView(this);
    root.addView(prediction, matchWidth());
    choices = new LinearLayout(this);
    choices.setOrientation(LinearLayout.VERTICAL);
    root.addView(choices, matchWidth());
    status = new TextView(this);
    status.setPadding(0, pad, 0, 0);
    root.addView(status, matchWidth());
    ScrollView scroll = new ScrollView(this);
    scroll.addView(root);
    setContentView(scroll);
    prediction.setText("Loading the on-device model…");
    worker.execute(() -> {
      try {
        components = SampleComponents.get(this);
        RoundScheduler.schedule(this);
        runOnUiThread(() -> prediction.setText("Ready (model " + components.model().bundle().getModelId() + ")"));
        refreshStatus();
      } catch (RuntimeException | LinkageError e) {
        // LinkageError: an APK built without ONNX Runtime's Android library (see README).
        runOnUiThread(() -> prediction.setText("Cannot start: " + e));
      }
    });
  }

  private static LinearLayout.LayoutParams matchWidth() {
    return new LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.WRAP_CONTENT);
  }

  private void classify(String text) {
    SampleComponents c = components;
    if (c == null || text.trim().isEmpty()) {
      return;
    }
    worker.execute(() -> {
      OnDeviceModel.Prediction p = c.model().classify(text);
      List<String> top = p.ranked().subList(0, Math.min(3, p.ranked().size()));
      runOnUiThread(() -> {
        prediction.setText(String.format(Locale.ROOT, "Intent: %s (p = %.2f). Tap the right one to keep it:",
            p.label(), p.probability()));
        choices.removeAllViews();
        for (String label : top) {
          Button b = new Button(this);
          b.setText(label);
          b.setOnClickListener(v -> confirm(text, label));
          choices.addView(b, matchWidth());
        }
      });
    });
  }

  private void confirm(String text, String label) {
    SampleComponents c = components;
    worker.execute(() -> {
      ExampleStore.AddResult r = c.store().add(text, label, null);
      runOnUiThread(() -> {
        choices.removeAllViews();
        input.setText("");
        prediction.setText(r.stored().isPresent() ? "Stored as \"" + label + "\"" : "Not kept (storage cap)");
      });
      refreshStatus();
    });
  }

  private void refreshStatus() {
    SampleComponents c = components;
    if (c == null) {
      return;
    }
    String text = String.format(Locale.ROOT, "Examples stored: %d of at most %d%n%s%nLast federated round: %s",
        c.store().size(), SampleComponents.MAX_EXAMPLES, c.privacy().describe(),
        c.lastRound().isEmpty() ? "none yet (runs while charging, idle and on Wi-Fi)" : c.lastRound());
    runOnUiThread(() -> status.setText(text));
  }

  @Override
  protected void onResume() {
    super.onResume();
    worker.execute(this::refreshStatus);
  }

  @Override
  protected void onDestroy() {
    worker.shutdown();
    super.onDestroy();
  }
}
