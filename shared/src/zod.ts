import { z } from 'zod';

// Mini-program runtimes forbid `new Function()`; zod probes for it to decide on its JIT.
// Turning the JIT off centrally keeps both ends on the same code path. Import `z` only from here.
z.config({ jitless: true });

export { z };
