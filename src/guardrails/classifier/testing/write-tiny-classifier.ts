import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

// A CommonJS module whose namespace object is its only export.
const { onnx } = onnxProto;

/**
 * Writes a text-classification model small enough to build in a test (about 1 KB): a
 * Hugging Face directory whose ONNX graph computes
 *   logits = max over tokens(input_ids == trigger) · [[-4, 4]] + [2, -2]
 * so a text containing the trigger word is INJECTION (p ≈ 0.98) and any other is SAFE — a real
 * graph run by onnxruntime-node behind transformers.js's pipeline, tokenizer included, whose
 * verdict the tests can predict. `swapLabels` writes the same graph with id2label reversed.
 */
export function writeTinyClassifier(directory: string, options: { trigger?: string; swapLabels?: boolean } = {}): void {
  const trigger = options.trigger ?? 'ignore';
  const vocabulary: Record<string, number> = { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, [trigger]: 4, hello: 5, world: 6, please: 7, the: 8, weather: 9 };
  mkdirSync(join(directory, 'onnx'), { recursive: true });
  writeFileSync(join(directory, 'onnx', 'model.onnx'), encodeGraph(vocabulary[trigger]));
  const labels = options.swapLabels ? ['INJECTION', 'SAFE'] : ['SAFE', 'INJECTION'];
  writeFileSync(
    join(directory, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertForSequenceClassification'],
      id2label: { 0: labels[0], 1: labels[1] },
      label2id: { [labels[0]]: 0, [labels[1]]: 1 },
    }),
  );
  writeFileSync(join(directory, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'BertTokenizer', model_max_length: 128, do_lower_case: true }));
  writeFileSync(join(directory, 'tokenizer.json'), JSON.stringify(wordPieceTokenizer(vocabulary)));
}

function wordPieceTokenizer(vocabulary: Record<string, number>) {
  const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((content) => ({ id: vocabulary[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', vocabulary['[SEP]']], cls: ['[CLS]', vocabulary['[CLS]']] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: vocabulary },
  };
}

function encodeGraph(triggerId: number): Uint8Array {
  const { DataType } = onnx.TensorProto;
  const tokens = (name: string) => ({
    name,
    type: { tensorType: { elemType: DataType.INT64, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'sluice-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-classifier',
      input: [tokens('input_ids'), tokens('attention_mask')],
      output: [{ name: 'logits', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 2 }] } } } }],
      initializer: [
        { name: 'trigger', dims: [], dataType: DataType.INT64, int64Data: [triggerId] },
        { name: 'weights', dims: [1, 2], dataType: DataType.FLOAT, floatData: [-4, 4] },
        { name: 'bias', dims: [2], dataType: DataType.FLOAT, floatData: [2, -2] },
      ],
      node: [
        { opType: 'Equal', input: ['input_ids', 'trigger'], output: ['is_trigger'] },
        { opType: 'Cast', input: ['is_trigger'], output: ['is_trigger_float'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT }] },
        {
          opType: 'ReduceMax',
          input: ['is_trigger_float'],
          output: ['has_trigger'],
          attribute: [
            { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] },
            { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
          ],
        },
        { opType: 'MatMul', input: ['has_trigger', 'weights'], output: ['scaled'] },
        { opType: 'Add', input: ['scaled', 'bias'], output: ['logits'] },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
