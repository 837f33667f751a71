// Hashes a File with SM3 in a Web Worker, reading it in slices, so that a file of any size
// hashes in constant memory while the page stays responsive. Messages in: { file }; out:
// { progress: 0..1 } as it goes, then { digest: Uint8Array } or { error: text }.

import { createSM3 } from "hash-wasm";

const SLICE = 4 * 1024 * 1024;

self.onmessage = async (event) => {
  const file = event.data.file;
  try {
    const hasher = await createSM3();
    hasher.init();
    for (let offset = 0; offset < file.size; offset += SLICE) {
      const slice = new Uint8Array(await file.slice(offset, Math.min(offset + SLICE, file.size)).arrayBuffer());
      hasher.update(slice);
      self.postMessage({ progress: Math.min(1, (offset + slice.length) / file.size) });
    }
    self.postMessage({ progress: 1, digest: hasher.digest("binary") });
  } catch (error) {
    self.postMessage({ error: String(error && error.message ? error.message : error) });
  }
};
