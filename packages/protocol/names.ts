// Name rules shared by services, environments, variables and deployment ids.
import { z } from 'zod';

export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const DEPLOYMENT_ID_PATTERN = /^[a-z0-9]{6,32}$/;

/** A service or environment name: lowercase, starts with a letter, at most 63 characters. */
export const Name = z
  .string()
  .regex(NAME_PATTERN, 'must be lowercase letters, digits and "-", start with a letter, at most 63 characters');

export const VariableName = z
  .string()
  .regex(VARIABLE_NAME_PATTERN, 'must be letters, digits and "_", not starting with a digit');

export const DeploymentId = z.string().regex(DEPLOYMENT_ID_PATTERN, 'is not a deployment id');

export const DEFAULT_ENVIRONMENT = 'production';
