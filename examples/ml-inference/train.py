#!/usr/bin/python3
"""Trains the ml-inference example's model and writes it as ONNX, with its held-out split.

Data: scikit-learn's bundled digits set (load_digits: 1,797 8x8 grey-level images of handwritten
digits, pixel values 0-16, from the UCI "Optical Recognition of Handwritten Digits" data). No text
data set ships inside scikit-learn (the others download), so this is an image classifier.

Model: StandardScaler + multinomial LogisticRegression. skl2onnx is not packaged for Debian, so
the ONNX graph is written with onnx.helper: Sub(mean) -> Div(scale) -> MatMul(W) -> Add(b) ->
Softmax, which is exactly what the fitted pipeline computes (predict_proba).

Writes next to this file:
  digits-logreg.onnx    the model (input "input" float[N,64], output "probabilities" float[N,10])
  digits-logreg.json    its metadata: tensor names, labels, the split, scikit-learn's accuracy
  digits-holdout.csv    the held-out split: id, pixel_0..pixel_63, label (the true digit)
  digits-holdout-sklearn.csv  scikit-learn's prediction and its probability for each id

Run from the repository root (needs python3-sklearn and python3-onnx; the outputs are committed,
CI never runs this), then let Biome format the metadata as the repository wants it:
  /usr/bin/python3 examples/ml-inference/train.py && npx biome format --write examples/ml-inference
"""
import csv
import json
import os

import numpy as np
import onnx
import sklearn
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 42
TEST_SIZE = 0.25
C = 0.1
MODEL = "digits-logreg.onnx"
META = "digits-logreg.json"
HOLDOUT = "digits-holdout.csv"
SKLEARN = "digits-holdout-sklearn.csv"
INPUT = "input"
OUTPUT = "probabilities"


def build_onnx(scaler, clf, n_features):
    mean = scaler.mean_.astype(np.float32)
    scale = scaler.scale_.astype(np.float32)  # 1.0 for constant pixels, as sklearn does
    weights = clf.coef_.T.astype(np.float32)  # [features, classes]
    bias = clf.intercept_.astype(np.float32)
    n_classes = weights.shape[1]
    nodes = [
        helper.make_node("Sub", [INPUT, "mean"], ["centred"]),
        helper.make_node("Div", ["centred", "scale"], ["scaled"]),
        helper.make_node("MatMul", ["scaled", "weights"], ["product"]),
        helper.make_node("Add", ["product", "bias"], ["logits"]),
        helper.make_node("Softmax", ["logits"], [OUTPUT], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "digits_logreg",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["N", n_features])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", n_classes])],
        initializer=[
            numpy_helper.from_array(mean, "mean"),
            numpy_helper.from_array(scale, "scale"),
            numpy_helper.from_array(weights, "weights"),
            numpy_helper.from_array(bias, "bias"),
        ],
    )
    model = helper.make_model(
        graph,
        producer_name="examples/ml-inference/train.py",
        opset_imports=[helper.make_opsetid("", 13)],
    )
    model.ir_version = 8
    model.doc_string = "StandardScaler + LogisticRegression on sklearn's digits; see train.py"
    onnx.checker.check_model(model, full_check=True)
    return model


def check_against_numpy(model, features, expected):
    """The graph's arithmetic redone in numpy from the stored initializers (onnx 1.12 has no
    reference evaluator): the ONNX file must give scikit-learn's probabilities."""
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    x = features.astype(np.float32)
    logits = ((x - init["mean"]) / init["scale"]) @ init["weights"] + init["bias"]
    logits -= logits.max(axis=1, keepdims=True)
    proba = np.exp(logits)
    proba /= proba.sum(axis=1, keepdims=True)
    gap = float(np.abs(proba - expected).max())
    assert gap < 1e-4, f"the ONNX graph differs from scikit-learn by {gap}"
    return gap


def main():
    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=TEST_SIZE, stratify=digits.target, random_state=SEED
    )
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))
    pipeline.fit(x_train, y_train)
    scaler, clf = pipeline.steps[0][1], pipeline.steps[1][1]
    proba = pipeline.predict_proba(x_test)
    predicted = clf.classes_[proba.argmax(axis=1)]
    accuracy = float((predicted == y_test).mean())
    n_features = x_train.shape[1]

    model = build_onnx(scaler, clf, n_features)
    gap = check_against_numpy(model, x_test, proba)
    onnx.save(model, os.path.join(HERE, MODEL))

    labels = [str(c) for c in clf.classes_]
    with open(os.path.join(HERE, HOLDOUT), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["id", *[f"pixel_{i}" for i in range(n_features)], "label"])
        for i, (row, label) in enumerate(zip(x_test.astype(int), y_test)):
            out.writerow([i, *row.tolist(), label])
    with open(os.path.join(HERE, SKLEARN), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["id", "prediction", "probability"])
        for i, (label, p) in enumerate(zip(predicted, proba.max(axis=1))):
            out.writerow([i, label, f"{p:.6f}"])

    meta = {
        "model": MODEL,
        "input": INPUT,
        "output": OUTPUT,
        "labels": labels,
        "featureCount": n_features,
        "dataset": "sklearn.datasets.load_digits: 1,797 8x8 images of handwritten digits, "
        "64 pixel values 0-16 each (UCI Optical Recognition of Handwritten Digits)",
        "estimator": f"StandardScaler + LogisticRegression(C={C}, multinomial, lbfgs)",
        "split": {"testSize": TEST_SIZE, "stratified": True, "randomState": SEED},
        "trainSize": int(len(y_train)),
        "holdout": HOLDOUT,
        "holdoutSize": int(len(y_test)),
        "sklearnPredictions": SKLEARN,
        "sklearnAccuracy": round(accuracy, 6),
        "onnxMaxProbabilityGap": float(f"{gap:.2e}"),
        "versions": {"sklearn": sklearn.__version__, "onnx": onnx.__version__, "numpy": np.__version__},
    }
    with open(os.path.join(HERE, META), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"held-out accuracy {accuracy:.4f} on {len(y_test)} images; max |onnx - sklearn| {gap:.2e}")


if __name__ == "__main__":
    main()
