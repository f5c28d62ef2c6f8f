/** Tests of io.hashstream.schemas.internal. */
@NullMarked
package io.hashstream.schemas.internal;

import org.jspecify.annotations.NullMarked;
