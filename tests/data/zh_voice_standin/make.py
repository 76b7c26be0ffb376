"""Writes the stand-in Mandarin piper voice of this folder (run it again only to change it).

A voice of piper's "pinyin" kind needs, beside its ONNX graph, g2pW (an ONNX polyphone model
with its character lists, which piper fetches from a hub on first use) and the
bert-base-chinese tokenizer's vocabulary (which transformers fetches by that name). The real
files are hundreds of megabytes and come from a hub; these stand-ins have their names and
shapes, so the offline test can prove every one is read from the model cache:

- ``zh_CN-standin-x_low.onnx``: a waveform from the phoneme ids (not speech);
- ``g2pw.tar.gz``: ``g2pw.onnx`` answering with the allowed readings' mask (the first allowed
  reading wins), its ``config.py`` (still naming the hub's ``bert-base-chinese``) and lists;
- ``vocab.txt`` and ``tokenizer_config.json``: a BERT vocabulary of a few characters.

Needs the ``onnx`` package, which the project does not: ``pip install --target DIR onnx`` and
``PYTHONPATH=DIR python tests/data/zh_voice_standin/make.py``.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import onnx
from onnx import TensorProto, helper

HERE = Path(__file__).resolve().parent
CHARS = "請問是哪一條路行重長好的北屯區台中市"


def voice() -> bytes:
    ids = helper.make_tensor_value_info("input", TensorProto.INT64, [1, None])
    lengths = helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1])
    scales = helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3])
    audio = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, None])
    nodes = [
        helper.make_node("Constant", [], ["reps"], value=helper.make_tensor(
            "reps", TensorProto.INT64, [2], [1, 256])),
        helper.make_node("Tile", ["input", "reps"], ["long"]),
        helper.make_node("Cast", ["long"], ["wave"], to=TensorProto.FLOAT),
        helper.make_node("Constant", [], ["quiet"], value=helper.make_tensor(
            "quiet", TensorProto.FLOAT, [], [0.001])),
        helper.make_node("Mul", ["wave", "quiet"], ["soft"]),
        helper.make_node("Sin", ["soft"], ["tone"]),
        helper.make_node("Constant", [], ["shape"], value=helper.make_tensor(
            "shape", TensorProto.INT64, [3], [1, 1, -1])),
        helper.make_node("Reshape", ["tone", "shape"], ["output"]),
    ]
    # lengths and scales are fed by piper: declared, though the stand-in does not read them
    graph = helper.make_graph(nodes, "standin_voice", [ids, lengths, scales], [audio])
    return _model(graph)


def g2pw() -> bytes:
    names = ("input_ids", "token_type_ids", "attention_mask")
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, [None, None]) for n in names]
    inputs += [
        helper.make_tensor_value_info("phoneme_mask", TensorProto.FLOAT, [None, None]),
        helper.make_tensor_value_info("char_ids", TensorProto.INT64, [None]),
        helper.make_tensor_value_info("position_ids", TensorProto.INT64, [None]),
    ]
    probs = helper.make_tensor_value_info("probs", TensorProto.FLOAT, [None, None])
    graph = helper.make_graph([helper.make_node("Identity", ["phoneme_mask"], ["probs"])],
                              "standin_g2pw", inputs, [probs])
    return _model(graph)


def _model(graph: onnx.GraphProto) -> bytes:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return bytes(model.SerializeToString())


def config() -> dict[str, object]:
    from piper.phonemize_chinese import PHONEME_TO_ID  # the ids of piper's pinyin voices

    return {
        "audio": {"sample_rate": 16000, "quality": "x_low"},
        "espeak": {"voice": "cmn"},
        "language": {"code": "zh_CN"},
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "pinyin",
        "phoneme_map": {},
        "phoneme_id_map": PHONEME_TO_ID,
        "num_symbols": 1 + max(max(v) for v in PHONEME_TO_ID.values()),
        "num_speakers": 1,
        "speaker_id_map": {},
        "piper_version": "1.8.0",
    }


def main() -> None:
    (HERE / "zh_CN-standin-x_low.onnx").write_bytes(voice())
    (HERE / "zh_CN-standin-x_low.onnx.json").write_text(
        json.dumps(config(), ensure_ascii=False, indent=1) + "\n")
    members = {
        "g2pw.onnx": g2pw(),
        # the real config names the hub's tokenizer; the cache's must be used instead
        "config.py": b"model_source = 'bert-base-chinese'\nwindow_size = 32\n"
                     b"batch_size = 8\nuse_mask = True\nuse_char_phoneme = False\n",
        "POLYPHONIC_CHARS.txt": "行\tㄒㄧㄥ2\n行\tㄏㄤ2\n重\tㄓㄨㄥ4\n重\tㄔㄨㄥ2\n長\tㄔㄤ2\n"
                                "長\tㄓㄤ3\n好\tㄏㄠ3\n好\tㄏㄠ4\n".encode(),
        "MONOPHONIC_CHARS.txt": "路\tㄌㄨ4\n".encode(),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
    (HERE / "g2pw.tar.gz").write_bytes(buffer.getvalue())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    (HERE / "vocab.txt").write_text("\n".join(specials + list(dict.fromkeys(CHARS))) + "\n")
    (HERE / "tokenizer_config.json").write_text(json.dumps(
        {"do_lower_case": False, "tokenizer_class": "BertTokenizer"}) + "\n")


if __name__ == "__main__":
    main()
