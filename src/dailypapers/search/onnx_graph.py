"""all-MiniLM-L6-v2 rebuilt as a plain BERT graph of ONNX Runtime's fused CPU operators.

The packaged ONNX file is a PyTorch export of scaled-dot-product attention: per layer the
scores go through a float mask built with GatherND/Where, a Softmax, then ``Where(IsNaN(p),
0, p)``, each a pass over a batch × 12 heads × length² tensor. Profiled on 200 abstracts,
those element-wise passes took about half the time and the int8 matrix products a fifth
(docs/benchmarks.md). ONNX Runtime's transformer optimizer does not recognise that pattern
(it fuses the layer norms and GELUs but no attention), so ``bert_graph`` writes the same
network directly with the operators the optimizer would have produced:

    Gather + position embedding → LayerNormalization
    6 × [Attention (one QKV weight, mask by key) → MatMul → SkipLayerNormalization
         → MatMul → BiasGelu → MatMul → SkipLayerNormalization]

The weights are read from the folded export (ORT_ENABLE_BASIC turns its stored int8 weights
into fp32 ones) by the names of the biases that follow each MatMul, so a file of a different
shape raises ``GraphMismatch`` instead of building something else. The mask value of the
export is finite (float32 min), so no softmax row was ever NaN: dropping the IsNaN/Where
pair changes nothing, and the rebuilt fp32 graph gives the export's vectors (cosine 1.0000).
Dynamic quantisation then turns Attention into QAttention and the MatMuls into int8 ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np

HEADS = 12
LAYERS = 6
PREFIX = "inner."  # the export wrapped the transformer in a module named "inner"


class GraphMismatch(ValueError):
    """The folded model is not the all-MiniLM-L6-v2 export this module knows."""


def bert_graph(folded: Any) -> Any:
    """The ``onnx.ModelProto`` of the fused graph with the weights of ``folded`` (a
    ModelProto of the packaged model after ORT_ENABLE_BASIC folding)."""
    from onnx import TensorProto, helper, numpy_helper

    graph = folded.graph
    weights = {item.name: numpy_helper.to_array(item) for item in graph.initializer}
    producer = {output: node for node in graph.node for output in node.output}
    users: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)

    def weight(name: str) -> np.ndarray:
        if name not in weights:
            raise GraphMismatch(f"no initializer {name}")
        return weights[name]

    def matmul_before(bias: str) -> np.ndarray:
        # In the export every dense layer is MatMul(x, W) then Add(bias): W by its bias.
        adds = [node for node in users.get(bias, []) if node.op_type == "Add"]
        if len(adds) != 1:
            raise GraphMismatch(f"{bias} is not added once")
        other = [name for name in adds[0].input if name != bias]
        matmul = producer.get(other[0]) if len(other) == 1 else None
        if matmul is None or matmul.op_type != "MatMul" or matmul.input[1] not in weights:
            raise GraphMismatch(f"{bias} does not follow a MatMul by a weight")
        return weights[matmul.input[1]]

    epsilons = [
        helper.get_attribute_value(attribute)
        for node in graph.node
        if node.op_type == "LayerNormalization"
        for attribute in node.attribute
        if attribute.name == "epsilon"
    ]
    if len(epsilons) != 2 * LAYERS + 1 or len(set(epsilons)) != 1:
        raise GraphMismatch(f"expected {2 * LAYERS + 1} layer norms, found {len(epsilons)}")
    epsilon = float(epsilons[0])
    initializers: list[Any] = []

    def constant(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    embeddings = f"{PREFIX}embeddings."
    # Every text is one segment (type 0), so its embedding is added to the positions' once.
    positions = (
        weight(embeddings + "position_embeddings.weight")
        + weight(embeddings + "token_type_embeddings.weight")[0]
    )
    nodes = [
        helper.make_node(
            "Gather",
            [constant("word", weight(embeddings + "word_embeddings.weight")), "input_ids"],
            ["words"],
        ),  # fmt: skip
        helper.make_node("Shape", ["input_ids"], ["length"], start=1, end=2),
        helper.make_node(
            "Slice",
            [
                constant("positions", positions),
                constant("zero", np.array([0], np.int64)),
                "length",
                constant("axis", np.array([0], np.int64)),
            ],
            ["placed"],
        ),  # fmt: skip
        helper.make_node("Add", ["words", "placed"], ["embedded"]),
        helper.make_node(
            "LayerNormalization",
            [
                "embedded",
                constant("norm", weight(embeddings + "LayerNorm.weight")),
                constant("shift", weight(embeddings + "LayerNorm.bias")),
            ],
            ["hidden0"],
            axis=-1,
            epsilon=epsilon,
        ),  # fmt: skip
        helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.INT32),
    ]
    hidden = "hidden0"
    for layer in range(LAYERS):
        at = f"{PREFIX}encoder.layer.{layer}."
        biases = [f"{at}attention.self.{part}.bias" for part in ("query", "key", "value")]
        qkv = np.concatenate([matmul_before(bias) for bias in biases], axis=1)
        qkv_bias = np.concatenate([weight(bias) for bias in biases])
        dense, inner, out = (
            f"{at}attention.output.dense.bias", f"{at}intermediate.dense.bias",
            f"{at}output.dense.bias",
        )  # fmt: skip
        following = "last_hidden_state" if layer == LAYERS - 1 else f"hidden{layer + 1}"
        n = str(layer)
        nodes += [
            helper.make_node(
                "Attention",
                [hidden, constant("qkv" + n, qkv), constant("qkv_bias" + n, qkv_bias), "mask"],
                ["attended" + n],
                domain="com.microsoft",
                num_heads=HEADS,
            ),  # fmt: skip
            helper.make_node(
                "MatMul",
                ["attended" + n, constant("dense" + n, matmul_before(dense))],
                ["projected" + n],
            ),  # fmt: skip
            helper.make_node(
                "SkipLayerNormalization",
                [
                    "projected" + n,
                    hidden,
                    constant("norm1_" + n, weight(f"{at}attention.output.LayerNorm.weight")),
                    constant("shift1_" + n, weight(f"{at}attention.output.LayerNorm.bias")),
                    constant("dense_bias" + n, weight(dense)),
                ],
                ["mid" + n],
                domain="com.microsoft",
                epsilon=epsilon,
            ),  # fmt: skip
            helper.make_node(
                "MatMul",
                ["mid" + n, constant("inner" + n, matmul_before(inner))],
                ["widened" + n],
            ),  # fmt: skip
            helper.make_node(
                "BiasGelu",
                ["widened" + n, constant("inner_bias" + n, weight(inner))],
                ["gelu" + n],
                domain="com.microsoft",
            ),  # fmt: skip
            helper.make_node(
                "MatMul", ["gelu" + n, constant("out" + n, matmul_before(out))], ["narrowed" + n]
            ),
            helper.make_node(
                "SkipLayerNormalization",
                [
                    "narrowed" + n,
                    "mid" + n,
                    constant("norm2_" + n, weight(f"{at}output.LayerNorm.weight")),
                    constant("shift2_" + n, weight(f"{at}output.LayerNorm.bias")),
                    constant("out_bias" + n, weight(out)),
                ],
                [following],
                domain="com.microsoft",
                epsilon=epsilon,
            ),  # fmt: skip
        ]
        hidden = following
    width = int(positions.shape[1])
    made = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
         for name in ("input_ids", "attention_mask")],
        [helper.make_tensor_value_info(
            "last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", width])],
        initializers,
    )  # fmt: skip
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(made, opset_imports=opsets, producer_name="dailypapers")
