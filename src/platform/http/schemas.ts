/** Schemas shared by every JSON API route. */
import { Type, type Static } from '@sinclair/typebox';

export const ApiError = Type.Object(
  {
    statusCode: Type.Integer({ description: 'The HTTP status code, repeated.' }),
    code: Type.String({ description: 'A stable code for programs, e.g. NOT_FOUND.' }),
    message: Type.String({ description: 'What went wrong and what to do, for people.' }),
    requestId: Type.String({ description: 'Quote this when reporting a problem.' }),
  },
  { $id: 'ApiError', title: 'Error' },
);
export type ApiError = Static<typeof ApiError>;
