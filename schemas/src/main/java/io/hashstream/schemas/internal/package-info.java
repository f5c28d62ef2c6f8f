/** Internals of the schemas module: the registry client and the wire format. Not an API. */
@NullMarked
package io.hashstream.schemas.internal;

import org.jspecify.annotations.NullMarked;
