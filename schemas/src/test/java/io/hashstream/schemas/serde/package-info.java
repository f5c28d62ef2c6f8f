/** Tests of io.hashstream.schemas.serde. */
@NullMarked
package io.hashstream.schemas.serde;

import org.jspecify.annotations.NullMarked;
