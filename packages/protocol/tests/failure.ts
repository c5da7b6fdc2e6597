// Test helper: the CompartmentError a call throws (any other outcome fails the test).
import { CompartmentError } from '../index.js';

export function failure(run: () => unknown): CompartmentError {
  try {
    run();
  } catch (error) {
    if (error instanceof CompartmentError) return error;
    throw error;
  }
  throw new Error('expected a CompartmentError');
}
