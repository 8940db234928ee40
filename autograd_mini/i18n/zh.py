"""简体中文：autograd_mini 输出的全部文字，键与 ``en.py`` 相同、顺序相同。每条都是
``str.format`` 模板，数字由调用者格式化，两种语言完全一致；``{{``、``}}`` 是字面的花括号。"""

MESSAGES = {
    "language.unknown": "不支持的语言 {lang!r}：请从 {choices} 中选择",

    # ----- Tape.why_none ---------------------------------------------------------------
    "why_none.unnamed": "这个 {kind}",
    "why_none.shaped": "形状为 {shape} 的 {kind}",
    "why_none.untrainable": (
        "{who} 是 trainable=False 的 Variable，Tape 不会自动监视它；请在 with 块内对它调用 "
        "tape.watch()"),
    "why_none.no_auto_watch": (
        "{who} 从未被监视：这个 Tape 设置了 watch_accessed_variables=False；请对它调用 "
        "tape.watch()"),
    "why_none.not_watched": (
        "{who} 从未被这个 Tape 监视（它不需要梯度）；请在 with 块内对它调用 tape.watch()，"
        "或者把它定义为 Variable"),
    "why_none.connected": "{who} 通过这个 Tape 与目标相连，所以它的梯度不是 None",
    "why_none.outside_tape": (
        "{who} 只经由这个 Tape 没有记录的运算到达目标：这些运算是在 tape.stop_recording() "
        "之下或在 Tape 的 with 块之外执行的；请在 with 块内计算目标"),
    "why_none.cut": (
        "{who} 与目标不相连：通往目标的 '{op}' 是在 no_grad() 之下执行的（或者它没有梯度），"
        "所以什么也没有记录；请在记录开启时计算它"),
    "why_none.constant_target": (
        "{who} 与目标不相连：目标是一个常量，不是由任何被记录的运算得到的（它来自普通数字，"
        "或来自 .numpy()、float()、比较运算的布尔值这类副本）"),
    "why_none.copy": (
        "{who} 只以其数值的常量副本（.numpy()、.data 或 .detach()）到达目标，而副本没有梯度；"
        "请在计算中直接使用这个 Tensor 本身"),
    "why_none.unconnected": (
        "{who} 与目标不相连：没有任何被记录的运算从它通向目标。如果目标确实是由它计算得到的，"
        "那么这条联系被比较运算（x > 0 得到的是普通布尔值）、float() 或 .item() 切断了"),

    # ----- explain_backward's table ----------------------------------------------------
    "table.title": "从 {root} 开始的反向传播：共 {steps} 步",
    "table.step": "步骤",
    "table.node": "节点",
    "table.upstream": "上游梯度",
    "table.input": "输入",
    "table.formula": "局部导数",
    "table.local": "局部导数值",
    "table.sends": "传回",
    "table.total": "累计梯度",
    "table.leaf": "叶子节点：",
    "table.updates": "梯度下降，学习率 lr = {lr}：w - lr*grad",

    # ----- the lecture page (to_html) ----------------------------------------------------
    "page.title": "{root} 的反向传播",
    "page.collapsed": (
        "这个计算图有 {drawn} 个节点，超过了 max_nodes={max_nodes}：每个模块画成一个方框，"
        "方框内部的步骤只在表格中列出。"),
    "page.start": (
        "这是计算出 {root} 的计算图。点“下一步”（或按右方向键）逐个节点进行前向传播，"
        "然后从输出开始反向传播，一直回到叶子节点。"),
    "page.forward_leaf": "{label} = {data}：{what}",
    "page.leaf.parameter": "参数（梯度会流向它）",
    "page.leaf.input": "输入",
    "page.leaf.constant": "常量",
    "page.leaf.other": "叶子节点",
    "page.backward_step": "反向传播第 {k} 步（共 {total} 步）：{name}.grad = {grad}",
    "page.seed": "（起点：d{name}/d{name} = 1）",
    "page.complete": "（已完整：所有用到它的节点都已传回各自的部分）",
    "page.send_local": (
        "  传给 {parent}：局部导数 {local} \u00d7 上游梯度 {upstream} = {sent}；{parent}.grad "
        "现在是 {total}"),
    "page.send_vjp": "  传给 {parent}：{op} 的 VJP 传回 {sent}；{parent}.grad 现在是 {total}",
    "page.leaf_done": "  {name} 是叶子节点：它的梯度已是最终结果，不再向后传",
    "page.summary": "最小 {min}，平均 {mean}，最大 {max}，范数 {norm}",
    "page.back": "上一步",
    "page.back_tip": "上一步（左方向键）",
    "page.next": "下一步",
    "page.next_tip": "下一步（右方向键）",
    "page.play": "播放",
    "page.play_tip": "播放 / 暂停（空格键）",
    "page.pause": "暂停",
    "page.zoom_out_tip": "缩小（-）",
    "page.zoom_in_tip": "放大（+）",
    "page.step": "步骤",
    "page.help": (
        "把鼠标移到节点上或点击节点可查看详情（再点一次取消固定）。按键：\u2190 \u2192 "
        "单步，空格 播放，Home / End 首尾，+ \u2212 0 缩放。"),
    "page.not_computed": "（尚未计算）",
    "page.not_reached": "（反向传播尚未到达）",
    "page.phase.start": "计算图",
    "page.phase.forward": "前向传播",
    "page.phase.backward": "反向传播",
    "page.field.node": "节点",
    "page.field.kind": "类别",
    "page.field.expression": "计算方式",
    "page.field.op": "运算",
    "page.field.formula": "导数",
    "page.field.shape": "形状",
    "page.field.dtype": "数据类型",
    "page.field.data": "数值",
    "page.field.summary": "概况",
    "page.field.grad": "梯度",
    "page.kind.parameter": "参数",
    "page.kind.input": "输入",
    "page.kind.constant": "常量",
    "page.kind.result": "中间结果",
    "page.kind.output": "输出",

    # ----- the errors a beginner meets first ---------------------------------------------
    "err.mixed_inputs": "{op}：不能混用 {kind} 和 {other} 作为输入；{hint}",
    "err.mix_value_tensor": "请把 Value 的数值包装成 Tensor（Tensor(v.data)），或者全程使用 Value",
    "err.mix_graph_eager": "为 Session 构建的计算图不能与即时执行的节点混用；请二选一",
    "err.forward_failed": "{op}：无法作用于形状为 {shapes} 的输入：{reason}",
    "err.backward_not_scalar": (
        "对形状为 {shape} 的 Tensor 调用 backward() 需要传入同样形状的 gradient=；"
        "若要得到标量损失函数，请先求和等归约，例如 t.sum().backward()"),
    "err.backward_gradient_shape": "backward：gradient 的形状是 {shape}，应为 {expected}",
    "err.float_not_scalar": "float() 需要只有一个元素的 Tensor，得到的形状是 {shape}",
    "err.backward_twice": (
        "第二次经过 '{op}' 做反向传播：它的计算图已被上一次 backward() 释放；"
        "请在第一次调用时使用 backward(retain_graph=True)"),
    "err.inplace": (
        "'{op}' 的反向传播：输入 {i}（{what}）在 '{op}' 读取之后被原地修改了，所以它的梯度会出错："
        "这个结果是在 {who} 被原地更新（assign、assign_add、assign_sub 或优化器的一步）之前"
        "计算的；请在 opt.step() 之前调用 backward()（或 tape.gradient），"
        "或者先复制一份数值（v.value、Tensor(v.numpy())）"),
    "err.inplace_unnamed": "一个 {kind}",
    "err.inplace_it": "它",
    "err.tape_recording": "这个 Tape 已经在记录了；请嵌套一个新的 Tape",
    "err.tape_reused": (
        "这个 Tape 已经给出过梯度，并且不是 persistent 的；请每一步使用一个新的 Tape，"
        "或者使用 Tape(persistent=True)"),
    "err.watch_outside": (
        "watch() 需要 Tape 正在记录：请在 `with Tape() as tape:` 块内、使用 x 之前调用它"),
    "err.gradient_twice": (
        "{verb}()：这个 Tape 已经给出过梯度，并且不是 persistent 的；"
        "要多次求梯度请使用 Tape(persistent=True)"),
    "err.value_number": "{what} 需要一个实数，得到的是 {type}{hint}",
    "err.value_op_input": "{op}：Value 的运算只接受数字或 Value，得到的是 {type}{hint}",
    "err.use_tensor": "（数组请使用 Tensor）",
    "err.assign_shape": "{verb}：形状为 {shape} 的值放不进形状为 {expected} 的 Variable",
    "err.loss_shapes": (
        "{who}：预测值的形状是 {pred}，而标签（目标值）的形状是 {target}；"
        "请把其中一个改成相同形状（例如 y.reshape(-1, 1)）"),
    "err.linear_features": (
        "Linear '{name}'（{n_in} -> {n_out}）：输入的最后一维应有 {n_in} 个特征，"
        "得到的形状是 {shape}"),
    "err.feed_not_dict": "feed_dict 必须是字典 {{placeholder: value}}，得到的是 {type}",
    "err.feed_shape": (
        "placeholder '{name}' 需要形状 {shape}（None 表示任意大小），喂入的值形状是 {got}"),
    "err.feed_dtype": "喂给 '{name}'（{dtype}）的数据有误：{hint}",
    "err.feed_graph_tensor": "不能把计算图中的张量作为 feed（请喂入它的值，sess.run(t)）",
    "err.uninitialised": (
        "变量 '{name}' 在这个 Session 中初始化之前就被使用了；请先运行 "
        "sess.run(tf.global_variables_initializer())（或 sess.run({name}.initializer)）"),
    "err.session_closed": "在已关闭的 Session 上调用了 run()；请新建一个 tf.Session()",
    "err.no_session": (
        "'{name}' 需要在会话中运行：请在 `with tf.Session() as sess:` 块内调用，"
        "或传入 session=sess，或先创建 tf.InteractiveSession()"),
    "err.other_graph": (
        "{what} '{name}' 属于另一个计算图，而不是这个 Session 的计算图；请为那个计算图创建 "
        "Session（tf.Session(graph=g)），或在 `with sess.graph.as_default():` 下构建这个节点"),
    "err.walk_released": (
        "{what}：经过 '{op}' 的计算图已被之前的 backward() 释放，无法重放其中的步骤；"
        "请在 backward() 之前调用，或者调用 backward(retain_graph=True)"),
    "err.page_not_scalar": (
        "to_html：反向传播从标量开始，得到的却是形状为 {shape} 的 Tensor；"
        "请先归约，例如 to_html(t.sum())"),
    "err.page_too_big": (
        "to_html：这个计算图要画 {drawn} 个节点，超过了 max_nodes={max_nodes}；"
        "传入 collapse=model 可把每个模块画成一个方框，或传入 max_nodes=None 画出全部节点"),

    # ----- the command line (cli.py) and the demos' shared lines -------------------------
    "cli.demo_header": "\n===== {i}/{n} 演示 {name}：{about}",
    "cli.ok": "通过",
    "cli.differs": "与教程的结果不一致",
    "cli.could_not_run": "无法运行（见其输出）",
    "cli.exit_code": "退出码 {code}",
    "cli.could_not_write": "无法写入它的文件",
    "cli.raised": "出错了（错误回溯见上方）",
    "cli.summary": "\n===== 汇总",
    "cli.summary_line": "  {name}  {verdict}（{seconds} 秒）",
    "cli.pictures_in": "图片保存在 {out}",
    "cli.list_hint": (
        "用 `autograd-mini demo NAME` 运行其中一个（NAME --help 列出它的选项），"
        "或用 `autograd-mini demo all` 全部运行。"),
    "cli.which_demo": "要运行哪个演示？请从下面选择一个（或 `all`）：",
    "cli.no_such_demo": (
        "autograd-mini demo：没有名为 {name!r} 的演示；可选的演示有 {demos}（或 all）；"
        "`autograd-mini demo --list` 给出它们的说明"),
    "plot.wrote": "{what} 已生成：{path}",
    "plot.not_drawn": "{what}：未绘制（{reason}）",
    "plot.no_tqdm": "（没有进度条：未安装 tqdm；{hint}）",
    "what.plot": "曲线图",
    "what.picture": "图片",
    "what.curves": "曲线图",
    "what.boundaries": "决策边界图",
    "what.graph": "计算图",
    "demo.yes": "是",
    "demo.no": "否",
    "demo.same": "相同",
    "demo.different": "不同",
    "demo.check": "  {what}：{result}",
    "demo.matches": "与教程 {seed} 的结果一致：{verdict}",
    "demo.matches_lines": "与教程 {seed} 的结果一致：{verdict}（{same}/{total} 行）",
    "demo.line_differs": "  第 {n} 行：我们的 {ours!r}，教程的 {seed!r}",
    "demo.no_mnist": "{demo} 演示：没有 MNIST 数据。\n{error}",
    "demo.epoch": "{n} 轮",
    "demo.epochs": "{n} 轮",
    "demo.epoch_bar": "第 {k}/{n} 轮",
    "demo.test_accuracy": "测试准确率：{accuracy}%",
    "demo.tf_not_compared": "未与 TensorFlow 2.21 比较：它记录的是其他步数的运行结果",
    "demo.tf_matches": (
        "与 TensorFlow 2.21 的结果一致：{verdict}（{same}/{total} 个数值在 5 位有效数字内相同）"),
    "demo.beside_tf": "与 TensorFlow 2.21 的运行结果对照（{file}）：",
    "demo.beside_tf_runs": "与 TensorFlow 2.21 的各次运行结果对照（{file}）：",
    "col.epoch": "轮次",
    "col.step": "步数",
    "col.loss": "损失",
    "col.accuracy": "测试准确率",
    "col.optimizer": "优化器",
    "col.final_loss": "最终损失",
    "col.seconds": "用时（秒）",
    "col.mse": "仅均方误差",
    "col.mse_l2": "均方误差+L2",

    # ----- each demo's own lines (the seeds' own prints stay as the seeds wrote them) ----
    "descent.not_compared": "未与教程 003 比较：它只打印了 lr={lr}、{epochs} 轮的结果",
    "descent.final": "最终 w = {w}（最小值在 w = -1 处）",
    "tf1_net.check_x": "X（8 位小数）",
    "tf1_net.check_losses": "损失函数值各行（%g）",
    "tf1_net.check_weights": "最终的 {name}（容差 {tol}，最大差 {diff}）",
    "tf1_net.check_column": "损失函数值一列（%g）",
    "tf1_net.check_tolerance": "最终的 {name}（最大差 {diff}，容差 {tol}）",
    "tf1_net.line_differs": "  我们的：{ours}\n  教程的：{seed}",
    "tf1_net.seed_printed": "\n教程 000 最后打印的是：",
    "tf1_net.graph_missing": (
        "--style graph 需要 {folder} 中的 {name}（本演示的 compat.v1 会话版本），但它不在那里。"
        "请暂时使用 --style eager。"),
    "tf1_net.not_compared": (
        "未与教程 000 比较：它只打印了梯度下降的结果（它最后的损失是 {seed_last}，"
        "这里 {optimizer} 的是 {last}）"),
    "tf1_net.graph_not_compared": (
        "未与教程 000 比较：它只打印了梯度下降的结果（{optimizer} 最后是 {last}，"
        "教程的梯度下降最后是 {seed_last}）"),
    "linreg.hand_check": "引擎求出的梯度与教程手推的 fc_backword 相比：最大差 {diff}",
    "linreg.report": "\n迭代{i}次,当前loss:{loss}, 当前权重:{weights},当前偏置{bias}",
    "linreg.stopped": "迭代 {iters} 次后停止，损失 {loss} > {target}",
    "linreg.matches": (
        "与教程 002 的结果一致：{verdict}（教程打印 W1==W: True, b1==b: True；它迭代了 7398 次，"
        "本次运行 {i} 次：数据是随机的）"),
    "xor.hand_check": "{epochs} 轮后，权重与教程手推的更新相比：最大差 {diff}",
    "xor.predictions": "预测值：",
    "xor.prediction": "  {a} xor {b} -> {p}（四舍五入为 {r}）",
    "xor.verdict": "四舍五入后的预测值等于 XOR：{verdict}",
    "mnist.quick": (
        "--quick：几秒钟就能学会的短跑：{settings}。教程原本的设置（init seed，学习率 {lr}，"
        "在全部 60,000 张图片上训练 {epochs} 轮）是不加 --quick 的完整运行。"),
    "mnist.setup": (
        "用 {n} 张图片训练，{m} 张测试；{epochs} 轮，批大小 {batch}，学习率 {lr}，"
        "初始化 {init}，float32"),
    "mnist.hand_check": "第一步，引擎与教程手推的更新相比：最大差 {diff}",
    "mnist.epoch": "第 {epoch} 轮，损失 {loss}，测试准确率 {accuracy}%（训练用时 {seconds} 秒）",
    "mnist.stuck": (
        "网络停在了随机猜测的水平：输出层的 sigmoid 饱和在 0 附近，那里几乎传不回梯度。"
        "减小步长可以避免：试试 --lr 0.01。"),
    "lenet5.no_dot": "{what}：未绘制（没有安装 Graphviz 的 dot：apt-get install graphviz）",
    "lenet5.setup": (
        "用 {n} 张图片训练，{m} 张测试；{epochs}，批大小 {batch}，Adam 学习率 {lr}"
        "（每轮乘以 {decay}），dropout {dropout}，float32，NHWC；参数共 {params} 个"),
    "lenet5.epoch": (
        "第 {k}/{n} 轮，损失 {loss}，测试准确率 {accuracy}%（训练用时 {seconds} 秒）"),
    "lenet5.target": "目标测试准确率 {target}%：{verdict}",
    "lenet5.reached": "已达到",
    "lenet5.not_reached": "未达到",
    "iris.setup": (
        "学习率 {lr}，训练 {epochs} 轮：120 朵鸢尾花用于训练，30 朵用于测试（{seconds} 秒）"),
    "optimizers.setup": "每个优化器训练 {epochs} 轮，学习率 {lr}，使用课程的 120 朵训练用鸢尾花",
    "optimizers.beside": (
        "  {name}第 {epoch} 轮：损失 {loss}（TensorFlow {tf_loss}），测试准确率 {accuracy}"
        "（{tf_accuracy}）"),
    "optimizers.rmsprop": (
        "  （学习率 0.1 时 RMSProp 在这里是混沌的：float32 最后几位的差别几轮之内就让两次运行\n"
        "  分道扬镳，所以 TensorFlow 的结果只记录了 2 轮）"),
    "regularization.setup": (
        "用 Adam 优化 {steps} 步（学习率 {lr}，每批 {batch} 个点），共 300 个点，"
        "其中 {red} 个是红点"),
    "regularization.squares": (
        "权重平方和：仅用均方误差时为 {plain}，加上正则化项后为 {penalized}"),
}
