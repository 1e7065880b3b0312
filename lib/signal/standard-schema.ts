/**
 * The Standard Schema interface (https://standardschema.dev), copied as its authors intend so
 * that zod, valibot, arktype and others plug in without a dependency. Only what we use is kept.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties (the `~` keeps them out of autocompletion). */
  readonly '~standard': {
    /** The version of the Standard Schema interface. */
    readonly version: 1;
    /** The library that made the schema, e.g. `zod`. */
    readonly vendor: string;
    /** Checks a value: the value to use, or the issues. */
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    /** The input and output types, for inference only. */
    readonly types?:
      | {
          /** The type the schema takes. */
          readonly input: Input;
          /** The type it gives. */
          readonly output: Output;
        }
      | undefined;
  };
}

/** The result of a Standard Schema validation. */
export type StandardResult<Output> =
  | {
      /** The value to use. */
      readonly value: Output;
      /** Absent on success. */
      readonly issues?: undefined;
    }
  | {
      /** What is wrong with the value. */
      readonly issues: ReadonlyArray<{
        /** What is wrong. */
        readonly message: string;
        /** Where, as a path of keys. */
        readonly path?:
          | ReadonlyArray<
              | PropertyKey
              | {
                  /** One key of the path. */
                  readonly key: PropertyKey;
                }
            >
          | undefined;
      }>;
    };

/** True when `v` implements the Standard Schema interface. */
export function isStandardSchema(v: unknown): v is StandardSchemaV1 {
  return typeof v === 'object' && v !== null && typeof (v as { '~standard'?: { validate?: unknown } })['~standard']?.validate === 'function';
}
