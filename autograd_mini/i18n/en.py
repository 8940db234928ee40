"""English: every text autograd_mini prints, by key (``zh.py`` has the same keys in the
same order). Each is a ``str.format`` template; ``{{`` and ``}}`` are literal braces."""

MESSAGES = {
    "language.unknown": "unknown language {lang!r}: choose one of {choices}",

    # ----- Tape.why_none ---------------------------------------------------------------
    "why_none.unnamed": "the {kind}",
    "why_none.shaped": "the {kind} of shape {shape}",
    "why_none.untrainable": (
        "{who} is a Variable with trainable=False, which tapes do not watch; call "
        "tape.watch() on it inside the with block"),
    "why_none.no_auto_watch": (
        "{who} was never watched: this Tape has watch_accessed_variables=False; call "
        "tape.watch() on it"),
    "why_none.not_watched": (
        "{who} was never watched by this tape (it does not require grad); call tape.watch() "
        "on it inside the with block, or make it a Variable"),
    "why_none.connected": (
        "{who} is connected to the target through this tape, so its gradient is not None"),
    "why_none.outside_tape": (
        "{who} reaches the target only through ops this tape did not record: they ran under "
        "tape.stop_recording(), or outside the tape's with block; compute the target inside "
        "the block"),
    "why_none.cut": (
        "{who} is not connected: '{op}' on the way to the target ran under no_grad() (or has "
        "no gradient), so it recorded nothing; compute it with recording on"),
    "why_none.constant_target": (
        "{who} is not connected: the target is a constant, made by no recorded op (from "
        "plain numbers, or from a copy such as .numpy(), float() or a comparison's booleans)"),
    "why_none.copy": (
        "{who} reaches the target only as a constant copy of its numbers (.numpy(), .data or "
        ".detach()), which has no gradient; use the Tensor itself in the computation"),
    "why_none.unconnected": (
        "{who} is not connected to the target: no recorded op leads from it to the target. "
        "If the target was computed from it, the link was cut by a comparison (x > 0 gives "
        "plain booleans), float() or .item()"),

    # ----- explain_backward's table ----------------------------------------------------
    "table.title": "backward pass from {root}: {steps} steps",
    "table.step": "step",
    "table.node": "node",
    "table.upstream": "upstream",
    "table.input": "input",
    "table.formula": "local derivative",
    "table.local": "local",
    "table.sends": "sends",
    "table.total": "total",
    "table.leaf": "leaf: ",
    "table.updates": "gradient descent with lr = {lr}: w - lr*grad",

    # ----- the lecture page (to_html) ----------------------------------------------------
    "page.title": "Backpropagation through {root}",
    "page.collapsed": (
        "This graph has {drawn} nodes, more than max_nodes={max_nodes}: each module is drawn "
        "as one box, and the steps inside a box are listed in the table only."),
    "page.start": (
        "The graph that computed {root}. Next (or the right arrow) runs the forward pass node "
        "by node, then the backward pass from the output back to the leaves."),
    "page.forward_leaf": "{label} = {data}: {what}",
    "page.leaf.parameter": "a parameter (gradients flow to it)",
    "page.leaf.input": "an input",
    "page.leaf.constant": "a constant",
    "page.leaf.other": "a leaf",
    "page.backward_step": "Backward step {k} of {total}: {name}.grad = {grad}",
    "page.seed": " (the seed: d{name}/d{name} = 1)",
    "page.complete": " (complete: every node that uses it has sent its part)",
    "page.send_local": (
        "  to {parent}: local {local} \u00d7 upstream {upstream} = {sent}; {parent}.grad is "
        "now {total}"),
    "page.send_vjp": "  to {parent}: the VJP of {op} sends {sent}; {parent}.grad is now {total}",
    "page.leaf_done": "  {name} is a leaf: its gradient is final, nothing more to send",
    "page.summary": "min {min}, mean {mean}, max {max}, norm {norm}",
    "page.back": "Back",
    "page.back_tip": "Back (left arrow)",
    "page.next": "Next",
    "page.next_tip": "Next (right arrow)",
    "page.play": "Play",
    "page.play_tip": "Play / pause (space)",
    "page.pause": "Pause",
    "page.zoom_out_tip": "Zoom out (-)",
    "page.zoom_in_tip": "Zoom in (+)",
    "page.step": "step",
    "page.help": (
        "Hover over or click a node to see its details (click again to unpin). Keys: "
        "\u2190 \u2192 step, space play, Home / End, + \u2212 0 zoom."),
    "page.not_computed": "(not computed yet)",
    "page.not_reached": "(not reached yet)",
    "page.phase.start": "the graph",
    "page.phase.forward": "forward pass",
    "page.phase.backward": "backward pass",
    "page.field.node": "node",
    "page.field.kind": "kind",
    "page.field.expression": "computed as",
    "page.field.op": "op",
    "page.field.formula": "derivative",
    "page.field.shape": "shape",
    "page.field.dtype": "dtype",
    "page.field.data": "data",
    "page.field.summary": "summary",
    "page.field.grad": "grad",
    "page.kind.parameter": "parameter",
    "page.kind.input": "input",
    "page.kind.constant": "constant",
    "page.kind.result": "result",
    "page.kind.output": "output",

    # ----- the errors a beginner meets first ---------------------------------------------
    "err.mixed_inputs": "{op}: cannot mix {kind} and {other} inputs; {hint}",
    "err.mix_value_tensor": (
        "wrap the Value's number in a Tensor (Tensor(v.data)) or use Values throughout"),
    "err.mix_graph_eager": (
        "a graph built for a Session and eager nodes do not combine; use one or the other"),
    "err.forward_failed": "{op}: cannot apply to inputs of shape {shapes}: {reason}",
    "err.backward_not_scalar": (
        "backward() on a Tensor of shape {shape} needs gradient= of that shape; for a scalar "
        "loss reduce first, e.g. t.sum().backward()"),
    "err.backward_gradient_shape": "backward: gradient has shape {shape}, expected {expected}",
    "err.float_not_scalar": "float() needs a one-element Tensor, got shape {shape}",
    "err.backward_twice": (
        "backward through '{op}' a second time: its graph was released by an earlier "
        "backward(); call backward(retain_graph=True) the first time"),
    "err.inplace": (
        "backward of '{op}': input {i} ({what}) was changed in place after '{op}' read it, so "
        "its gradient would be wrong: the result was computed before an in-place update of "
        "{who} (assign, assign_add, assign_sub or an optimizer step); call backward() (or "
        "tape.gradient) before opt.step(), or clone the value first (v.value, "
        "Tensor(v.numpy()))"),
    "err.inplace_unnamed": "a {kind}",
    "err.inplace_it": "it",
    "err.tape_recording": "this Tape is already recording; nest a new Tape instead",
    "err.tape_reused": (
        "this Tape already gave its gradient and is not persistent; use a new Tape for each "
        "step, or Tape(persistent=True)"),
    "err.watch_outside": (
        "watch() needs the tape to be recording: call it inside the `with Tape() as tape:` "
        "block, before using x"),
    "err.gradient_twice": (
        "{verb}(): this Tape already gave a gradient and is not persistent; use "
        "Tape(persistent=True) to take more than one"),
    "err.value_number": "{what} takes a real number, got {type}{hint}",
    "err.value_op_input": "{op}: Value ops take numbers or Values, got {type}{hint}",
    "err.use_tensor": " (use Tensor for arrays)",
    "err.assign_shape": (
        "{verb}: a value of shape {shape} does not fit a Variable of shape {expected}"),
    "err.loss_shapes": (
        "{who}: prediction has shape {pred} but target {target}; reshape one of them (e.g. "
        "y.reshape(-1, 1))"),
    "err.linear_features": (
        "Linear '{name}' ({n_in} -> {n_out}): expected inputs with {n_in} features in the "
        "last axis, got shape {shape}"),
    "err.feed_not_dict": "feed_dict must be a dict {{placeholder: value}}, got {type}",
    "err.feed_shape": (
        "placeholder '{name}' expects shape {shape} (None: any size), got a value of shape "
        "{got}"),
    "err.feed_dtype": "feed for '{name}' ({dtype}): {hint}",
    "err.feed_graph_tensor": "a feed cannot be a graph tensor (feed its value, sess.run(t))",
    "err.uninitialised": (
        "variable '{name}' is used before it was initialised in this Session; run "
        "sess.run(tf.global_variables_initializer()) first (or sess.run({name}.initializer))"),
    "err.session_closed": "run() on a closed Session; create a new tf.Session()",
    "err.no_session": (
        "'{name}' needs a session to run in: call it inside `with tf.Session() as sess:`, "
        "pass session=sess, or create tf.InteractiveSession() first"),
    "err.other_graph": (
        "{what} '{name}' belongs to a different graph than this Session's; create the Session "
        "for that graph (tf.Session(graph=g)) or build the node under "
        "`with sess.graph.as_default():`"),
    "err.walk_released": (
        "{what}: the graph through '{op}' was released by an earlier backward(), so its steps "
        "cannot be replayed; call it before backward(), or call backward(retain_graph=True)"),
    "err.page_not_scalar": (
        "to_html: the backward pass starts from a scalar, got a Tensor of shape {shape}; "
        "reduce it first, e.g. to_html(t.sum())"),
    "err.page_too_big": (
        "to_html: the graph has {drawn} nodes to draw, more than max_nodes={max_nodes}; pass "
        "collapse=model to draw each module as one box, or max_nodes=None to draw every node"),

    # ----- the command line (cli.py) and the demos' shared lines -------------------------
    "cli.demo_header": "\n===== {i}/{n} demo {name}: {about}",
    "cli.ok": "ok",
    "cli.differs": "differs from its seed",
    "cli.could_not_run": "could not run (see its output)",
    "cli.exit_code": "exit code {code}",
    "cli.could_not_write": "could not write its files",
    "cli.raised": "raised an error (traceback above)",
    "cli.summary": "\n===== summary",
    "cli.summary_line": "  {name}  {verdict} ({seconds} s)",
    "cli.pictures_in": "pictures in {out}",
    "cli.list_hint": (
        "Run one with `autograd-mini demo NAME` (NAME --help for its options), or all with "
        "`autograd-mini demo all`."),
    "cli.which_demo": "Which demo? Choose one of these (or `all`):",
    "cli.no_such_demo": (
        "autograd-mini demo: no demo named {name!r}; the demos are {demos} (or all); "
        "`autograd-mini demo --list` describes them"),
    "plot.wrote": "{what}: wrote {path}",
    "plot.not_drawn": "{what}: not drawn ({reason})",
    "plot.no_tqdm": "(no progress bar: tqdm is not installed; {hint})",
    "what.plot": "plot",
    "what.picture": "picture",
    "what.curves": "curves",
    "what.boundaries": "boundaries",
    "what.graph": "graph",
    "demo.yes": "yes",
    "demo.no": "no",
    "demo.same": "same",
    "demo.different": "DIFFERENT",
    "demo.check": "  {what}: {result}",
    "demo.matches": "matches seed {seed}: {verdict}",
    "demo.matches_lines": "matches seed {seed}: {verdict} ({same}/{total} lines)",
    "demo.line_differs": "  line {n}: ours {ours!r}, seed {seed!r}",
    "demo.no_mnist": "{demo} demo: no MNIST data.\n{error}",
    "demo.epoch": "{n} epoch",
    "demo.epochs": "{n} epochs",
    "demo.epoch_bar": "epoch {k}/{n}",
    "demo.test_accuracy": "Test Accuracy: {accuracy}%",
    "demo.tf_not_compared": (
        "not compared with TensorFlow 2.21: "
        "its run was recorded for other steps"),
    "demo.tf_matches": (
        "matches TensorFlow 2.21: {verdict} ({same}/{total} figures agree to 5 significant "
        "figures)"),
    "demo.beside_tf": "beside TensorFlow 2.21's run ({file}):",
    "demo.beside_tf_runs": "beside TensorFlow 2.21's runs ({file}):",
    "col.epoch": "epoch",
    "col.step": "step",
    "col.loss": "loss",
    "col.accuracy": "test accuracy",
    "col.optimizer": "optimizer",
    "col.final_loss": "final loss",
    "col.seconds": "time (s)",
    "col.mse": "mse alone",
    "col.mse_l2": "mse + L2",

    # ----- each demo's own lines (the seeds' own prints stay as the seeds wrote them) ----
    "descent.not_compared": (
        "not compared with seed 003: "
        "it printed lr={lr}, {epochs} epochs only"),
    "descent.final": "final w = {w} (the minimum is at w = -1)",
    "tf1_net.check_x": "X (8 decimals)",
    "tf1_net.check_losses": "loss lines (%g)",
    "tf1_net.check_weights": "final {name} (within {tol}, max diff {diff})",
    "tf1_net.check_column": "loss column (%g)",
    "tf1_net.check_tolerance": "final {name} (max diff {diff}, tolerance {tol})",
    "tf1_net.line_differs": "  ours: {ours}\n  seed: {seed}",
    "tf1_net.seed_printed": "\nseed 000 printed, at the end:",
    "tf1_net.graph_missing": (
        "--style graph needs {name}, the compat.v1 (Session) version of this demo, in "
        "{folder}, and it is not there. Use --style eager meanwhile."),
    "tf1_net.not_compared": (
        "not compared with seed 000: it printed gradient descent only (its last loss "
        "{seed_last}, {optimizer} here: {last})"),
    "tf1_net.graph_not_compared": (
        "not compared with seed 000: it printed gradient descent only ({optimizer} ends at "
        "{last}, the seed's gradient descent at {seed_last})"),
    "linreg.hand_check": "engine gradient vs the seed's fc_backword: max difference {diff}",
    "linreg.report": "\niteration {i}, loss: {loss}, weights: {weights}, bias: {bias}",
    "linreg.stopped": "stopped after {iters} iterations with loss {loss} > {target}",
    "linreg.matches": (
        "matches seed 002: {verdict} (seed printed W1==W: True, b1==b: True; it needed 7398 "
        "iterations, this run {i}: the data are random)"),
    "xor.hand_check": (
        "weights vs the seed's hand-derived update after {epochs} epochs: max difference "
        "{diff}"),
    "xor.predictions": "predictions:",
    "xor.prediction": "  {a} xor {b} -> {p} (rounds to {r})",
    "xor.verdict": "rounded predictions equal XOR: {verdict}",
    "mnist.quick": (
        "--quick: a short run that learns in seconds: {settings}. The seed's settings (init "
        "seed, lr {lr}, {epochs} epochs on all 60,000 images) are the full run, without "
        "--quick."),
    "mnist.setup": (
        "training on {n} images, testing on {m}; {epochs} epochs, batch {batch}, lr {lr}, "
        "init {init}, float32"),
    "mnist.hand_check": (
        "first step, engine vs the seed's hand-derived update: max difference {diff}"),
    "mnist.epoch": (
        "Epoch {epoch}, Loss: {loss}, test accuracy {accuracy}% (training took {seconds} s)"),
    "mnist.stuck": (
        "The net is stuck at chance: its output sigmoids saturated at 0, where they pass back "
        "no gradient. A smaller step avoids that: try --lr 0.01."),
    "lenet5.no_dot": (
        "{what}: not drawn "
        "(Graphviz's dot is not installed: apt-get install graphviz)"),
    "lenet5.setup": (
        "training on {n} images, testing on {m}; {epochs}, batch {batch}, Adam lr {lr} "
        "(x{decay} per epoch), dropout {dropout}, float32, NHWC; {params} parameters"),
    "lenet5.epoch": (
        "Epoch {k}/{n}, loss {loss}, test accuracy {accuracy}% (training took {seconds} s)"),
    "lenet5.target": "target {target}% test accuracy: {verdict}",
    "lenet5.reached": "reached",
    "lenet5.not_reached": "not reached",
    "iris.setup": "{epochs} epochs of lr {lr} on 120 flowers, tested on 30 ({seconds} s)",
    "optimizers.setup": "{epochs} epochs each, lr {lr}, on the course's 120 training flowers",
    "optimizers.beside": (
        "  {name}epoch {epoch}: loss {loss} (TensorFlow {tf_loss}), test accuracy {accuracy} "
        "({tf_accuracy})"),
    "optimizers.rmsprop": (
        "  (RMSProp at lr 0.1 is chaotic here: float32's last bits part two runs within\n"
        "  a few epochs, so TensorFlow's was recorded for 2)"),
    "regularization.setup": (
        "{steps} steps of Adam (lr {lr}, batches of {batch}) on 300 points, {red} of them red"),
    "regularization.squares": (
        "sum of the squared weights: {plain} on mse alone, {penalized} with the penalty"),
}
