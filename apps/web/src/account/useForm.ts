import { useState } from 'react';
import { toApiError } from '../api/errors';
import { formErrors, type FormErrors } from '../lib/form-errors';

/**
 * One small form's state: busy while its request runs, the server's errors spread over its
 * fields, and a note when it worked. Each section of the account page has one.
 */
export function useForm<F extends string>(fields: readonly F[], fieldForCode: Parameters<typeof formErrors<F>>[2] = {}) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors<F> | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function run(request: () => Promise<unknown>, success: string): Promise<boolean> {
    setBusy(true);
    setErrors(null);
    setDone(null);
    try {
      await request();
      setDone(success);
      return true;
    } catch (error) {
      setErrors(formErrors(toApiError(error), fields, fieldForCode));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, errors, done, run };
}
