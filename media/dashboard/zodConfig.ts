import * as z from 'zod/mini';

// Zod would probe `new Function` for its fast path; the CSP forbids eval and reports the probe. Imported first by the
// page, so it runs before any module parses a message or the saved state.
z.config({ jitless: true });
