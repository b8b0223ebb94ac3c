// One way to send a form (or run a button's action) and show how it went.
import { useCallback, useState, type FormEvent } from 'react';

export interface Submission {
  /** True while the action runs (a submit button can be disabled meanwhile). */
  busy: boolean;
  /** What went wrong last time, for `<ErrorNotice>`. */
  error: unknown;
  /** What the last successful action said, for `<SuccessNotice>`. */
  done: string;
  /**
   * Forgets the last outcome, runs `action` and keeps its error, or the message it
   * returns. Resolves to whether it succeeded.
   */
  run: (action: () => Promise<string | void>) => Promise<boolean>;
  /** A form's `onSubmit`: the browser does not submit the form itself; `action` runs. */
  onSubmit: (action: () => Promise<string | void>) => (e: FormEvent) => void;
  /** Forgets the last outcome (the form's input changed). */
  reset: () => void;
}

/** The state of one form's submissions; see {@link Submission}. Checks of the form's own
 *  fields come before `run`, so that a form with mistakes keeps its last outcome shown. */
export function useSubmit(): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const run = useCallback(async (action: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    setDone('');
    try {
      const message = await action();
      if (message) setDone(message);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const onSubmit = useCallback(
    (action: () => Promise<string | void>) => (e: FormEvent) => {
      e.preventDefault();
      void run(action);
    },
    [run],
  );
  const reset = useCallback(() => {
    setError(null);
    setDone('');
  }, []);
  return { busy, error, done, run, onSubmit, reset };
}
