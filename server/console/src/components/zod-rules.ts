import type { Rule } from 'antd/es/form';
import { z } from '@o2o/shared';

/**
 * Form validation from the shared request schema, so the console checks exactly what the server checks:
 * `rules={zodRule(ZCreateStoreBody, 'code')}` validates one field with that field's schema (Chinese message from
 * `messages[field]` or a generic one). Cross-field rules (superRefine) run on submit through `zodSubmitErrors`.
 */
export function zodRule(schema: z.ZodObject, field: string, message?: string): Rule[] {
  const fieldSchema = (schema.shape as Record<string, z.ZodType>)[field];
  if (!fieldSchema) throw new Error(`no field ${field} in schema`);
  return [
    {
      validator: async (_rule, value) => {
        const v = value === '' || value === null ? undefined : value;
        const r = fieldSchema.safeParse(v);
        if (!r.success) throw new Error(message ?? (v === undefined ? '此项必填' : '格式不正确'));
      },
    },
  ];
}

/** Whole-body check before sending: field → first message, for `form.setFields` (empty when valid). */
export function zodSubmitErrors(schema: z.ZodType, body: unknown, messages: Record<string, string> = {}): { name: string[]; errors: string[] }[] {
  const r = schema.safeParse(body);
  if (r.success) return [];
  const seen = new Set<string>();
  const out: { name: string[]; errors: string[] }[] = [];
  for (const issue of r.error.issues) {
    const key = issue.path.join('.');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: issue.path.map(String), errors: [messages[key] ?? '格式不正确'] });
  }
  return out;
}

/** Drops '' and null from form values (antd leaves cleared inputs as ''), so optional schema fields stay absent. */
export function compact<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== null && v !== undefined)) as Partial<T>;
}
